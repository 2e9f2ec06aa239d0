//! MObjects (Program, Opportunity, OpportunityPersonRole), custom objects, channels and tags.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use mktows::*;
use mktows_runtime::{DateTime, Nillable};

use crate::faults::{ServiceError, codes};
use crate::model::{Cost, CustomObjectRecord, CustomObjectType, MObjectRecord};
use crate::paging::{Cursor, MObjectQuery};
use crate::service::shared::{OpResult, attribs, attributes, bad_position, batch_size, count};
use crate::store::Store;

/// getMObjects returns at most this many objects per call.
const MOBJECT_PAGE: usize = 100;
/// syncMObjects and syncCustomObjects take at most this many objects per call.
const MAX_SYNC_OBJECTS: usize = 100;

/// The object types getMObjects and syncMObjects know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Program,
    Opportunity,
    Role,
}

fn kind(name: &str) -> Option<Kind> {
    match name.trim().to_ascii_lowercase().as_str() {
        "program" => Some(Kind::Program),
        "opportunity" => Some(Kind::Opportunity),
        // The WSDL enumeration says OpportunityLeadRole; the documentation OpportunityPersonRole.
        "opportunitypersonrole" | "opportunityleadrole" => Some(Kind::Role),
        _ => None,
    }
}

fn type_name(k: Kind) -> &'static str {
    match k {
        Kind::Program => "Program",
        Kind::Opportunity => "Opportunity",
        Kind::Role => "OpportunityPersonRole",
    }
}

pub(crate) fn list_m_objects() -> SuccessListMObjects {
    let mut r = ResultListMObjects::new();
    r.objects = [
        "ActivityRecord",
        "LeadRecord",
        "Opportunity",
        "OpportunityPersonRole",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    SuccessListMObjects::new(r)
}

/// (name, data type, read only, primary key).
type FieldSpec = (&'static str, &'static str, bool, bool);

const ACTIVITY_FIELDS: &[FieldSpec] = &[
    ("id", "integer", true, true),
    ("activityDateTime", "datetime", true, false),
    ("activityType", "string", true, false),
    ("mktgAssetName", "string", true, false),
    ("activityAttributes", "string", true, false),
    ("campaign", "string", true, false),
    ("personName", "string", true, false),
    ("mktPersonId", "string", true, false),
    ("foreignSysId", "string", true, false),
    ("orgName", "string", true, false),
    ("foreignSysOrgId", "string", true, false),
];

const OPPORTUNITY_FIELDS: &[FieldSpec] = &[
    ("Id", "integer", true, true),
    ("Amount", "currency", false, false),
    ("CloseDate", "date", false, false),
    ("Description", "text", false, false),
    ("ExpectedRevenue", "currency", false, false),
    ("ExternalCreatedDate", "datetime", false, false),
    ("Fiscal", "string", false, false),
    ("FiscalQuarter", "integer", false, false),
    ("FiscalYear", "integer", false, false),
    ("ForecastCategoryName", "string", false, false),
    ("IsClosed", "boolean", false, false),
    ("IsWon", "boolean", false, false),
    ("LastActivityDate", "date", false, false),
    ("LeadSource", "string", false, false),
    ("Name", "string", false, false),
    ("NextStep", "string", false, false),
    ("Probability", "integer", false, false),
    ("Quantity", "float", false, false),
    ("Stage", "string", false, false),
    ("Type", "string", false, false),
];

const ROLE_FIELDS: &[FieldSpec] = &[
    ("Id", "integer", true, true),
    ("OpportunityId", "integer", false, false),
    ("PersonId", "integer", false, false),
    ("Role", "string", false, false),
    ("ExternalCreatedDate", "datetime", false, false),
    ("IsPrimary", "boolean", false, false),
];

pub(crate) fn describe_m_object(
    s: &mut Store,
    now: DateTime,
    p: ParamsDescribeMObject,
) -> OpResult<SuccessDescribeMObject> {
    let name = p.object_name.trim();
    let field = |name: &str, ty: &str, readonly: bool, pk: bool, display: Option<String>| {
        let mut f = MObjFieldMetadata::new(name, ty, readonly, readonly, pk, false, false, now);
        f.display_name = display;
        f.is_name = Some(name.eq_ignore_ascii_case("name"));
        f
    };
    let mut fields = ArrayOfMObjFieldMetadata::new();
    let (canonical, virtual_) = match name.to_ascii_lowercase().as_str() {
        "leadrecord" => {
            fields.field.push(field("Id", "integer", true, true, None));
            for f in &s.fields {
                fields.field.push(field(
                    &f.name,
                    &f.data_type,
                    false,
                    false,
                    Some(f.display_name.clone()),
                ));
            }
            ("LeadRecord", true)
        }
        "activityrecord" | "opportunity" | "opportunitypersonrole" => {
            let (canonical, list, virtual_) = match name.to_ascii_lowercase().as_str() {
                "activityrecord" => ("ActivityRecord", ACTIVITY_FIELDS, true),
                "opportunity" => ("Opportunity", OPPORTUNITY_FIELDS, false),
                _ => ("OpportunityPersonRole", ROLE_FIELDS, false),
            };
            for (n, t, ro, pk) in list {
                fields.field.push(field(n, t, *ro, *pk, None));
            }
            (canonical, virtual_)
        }
        _ => {
            return Err(ServiceError::new(
                codes::BAD_PARAMETER,
                format!("no object {name:?}; listMObjects names the known ones"),
            ));
        }
    };
    let mut m = MObjectMetadata::new(canonical, false, virtual_, fields, now);
    m.description = None;
    Ok(SuccessDescribeMObject::new(ResultDescribeMObject::new(m)))
}

/// A record as the criteria see it: attribute names lowercased.
struct View {
    id: i32,
    attrs: BTreeMap<String, String>,
    created: i64,
    updated: i64,
    external_key: Option<(String, String)>,
    tags: Vec<(String, String)>,
    associations: Vec<(String, i32)>,
    archived: bool,
}

fn compare(lhs: &str, op: &ComparisonEnum, rhs: &str) -> OpResult<bool> {
    let ord = match (lhs.trim().parse::<f64>(), rhs.trim().parse::<f64>()) {
        (Ok(a), Ok(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
        _ => lhs
            .trim()
            .to_ascii_lowercase()
            .cmp(&rhs.trim().to_ascii_lowercase()),
    };
    Ok(match op {
        ComparisonEnum::Eq => ord == Ordering::Equal,
        ComparisonEnum::Ne => ord != Ordering::Equal,
        ComparisonEnum::Lt => ord == Ordering::Less,
        ComparisonEnum::Le => ord != Ordering::Greater,
        ComparisonEnum::Gt => ord == Ordering::Greater,
        ComparisonEnum::Ge => ord != Ordering::Less,
        other => {
            return Err(ServiceError::new(
                codes::BAD_PARAMETER,
                format!("unknown comparison {other}"),
            ));
        }
    })
}

fn matches(v: &View, p: &ParamsGetMObjects) -> OpResult<bool> {
    if p.id.is_some_and(|id| id != v.id) {
        return Ok(false);
    }
    if let Some(k) = &p.external_key
        && v.external_key.as_ref() != Some(&(k.name.clone(), k.value.clone()))
    {
        return Ok(false);
    }
    let mut include_archived = false;
    for c in p
        .m_obj_criteria_list
        .as_ref()
        .map(|l| l.m_obj_criteria.as_slice())
        .unwrap_or_default()
    {
        let name = c.attr_name.trim().to_ascii_lowercase();
        let ok = match name.as_str() {
            "include archive" => {
                include_archived = compare("true", &c.comparison, &c.attr_value)?;
                true
            }
            "created at" | "updated at" => {
                let at = if name == "created at" {
                    v.created
                } else {
                    v.updated
                };
                let rhs = c
                    .attr_value
                    .trim()
                    .parse::<DateTime>()
                    .ok()
                    .and_then(|d| d.to_unix_seconds())
                    .ok_or_else(|| {
                        ServiceError::new(
                            codes::BAD_PARAMETER,
                            format!("{} needs a dateTime with offset", c.attr_name),
                        )
                    })?;
                compare(&at.to_string(), &c.comparison, &rhs.to_string())?
            }
            "tag type" | "tag value" => {
                let mut any = false;
                for (t, val) in &v.tags {
                    let lhs = if name == "tag type" { t } else { val };
                    any |= compare(lhs, &c.comparison, &c.attr_value)?;
                }
                any
            }
            "id" => compare(&v.id.to_string(), &c.comparison, &c.attr_value)?,
            _ => {
                let lhs = v.attrs.get(&name).map(String::as_str).unwrap_or("");
                compare(lhs, &c.comparison, &c.attr_value)?
            }
        };
        if !ok {
            return Ok(false);
        }
    }
    if v.archived && !include_archived {
        return Ok(false);
    }
    for a in p
        .m_obj_association_list
        .as_ref()
        .map(|l| l.m_obj_association.as_slice())
        .unwrap_or_default()
    {
        let Some(id) = a.id else { continue };
        let ty = a.m_obj_type.trim();
        if !v
            .associations
            .iter()
            .any(|(t, i)| t.eq_ignore_ascii_case(ty) && *i == id)
        {
            return Ok(false);
        }
    }
    Ok(true)
}

fn program_view(s: &Store, p: &crate::model::Program) -> View {
    let workspace_id = s
        .workspaces
        .iter()
        .position(|w| w == &p.workspace)
        .map_or(1, |i| i + 1);
    let mut attrs = BTreeMap::new();
    for (k, v) in program_attribs(p, workspace_id) {
        attrs.insert(k.to_ascii_lowercase(), v);
    }
    View {
        id: p.id,
        attrs,
        created: p.created_at,
        updated: p.updated_at,
        external_key: None,
        tags: p.tags.clone(),
        associations: Vec::new(),
        archived: p.archived,
    }
}

fn program_attribs(p: &crate::model::Program, workspace_id: usize) -> Vec<(&'static str, String)> {
    vec![
        ("Name", p.name.clone()),
        ("Description", p.description.clone()),
        ("Type", p.program_type.clone()),
        ("Channel", p.channel.clone().unwrap_or_default()),
        ("Workspace Id", workspace_id.to_string()),
        ("Workspace Name", p.workspace.clone()),
        ("Tree Path", p.folder.clone()),
        ("Is Archived", p.archived.to_string()),
    ]
}

fn record_view(o: &MObjectRecord) -> View {
    let mut associations = o.associations.clone();
    // A role's own fields are associations too, so it can be found by its lead or opportunity.
    for (field, ty) in [("OpportunityId", "Opportunity"), ("PersonId", "Lead")] {
        if let Some(id) = o.attributes.get(field).and_then(|v| v.trim().parse().ok()) {
            associations.push((ty.to_owned(), id));
        }
    }
    View {
        id: o.id,
        attrs: o
            .attributes
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect(),
        created: o.created_at,
        updated: o.updated_at,
        external_key: o.external_key.clone(),
        tags: Vec::new(),
        associations,
        archived: false,
    }
}

pub(crate) fn get_m_objects(
    s: &mut Store,
    dt: &dyn Fn(i64) -> DateTime,
    p: ParamsGetMObjects,
) -> OpResult<SuccessGetMObjects> {
    let (params, after_id) = match p.stream_position.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => match s.positions.get(t) {
            Some(Cursor::MObjects { query, after_id }) => (query.params.clone(), *after_id),
            _ => return Err(bad_position(t)),
        },
        None => (p, 0),
    };
    let k = kind(&params.r#type).ok_or_else(|| {
        ServiceError::new(
            codes::BAD_PARAMETER,
            format!(
                "getMObjects reads Program, Opportunity or OpportunityPersonRole, not {:?}",
                params.r#type
            ),
        )
    })?;
    let mut found: Vec<MObject> = Vec::new();
    let mut more = false;
    match k {
        Kind::Program => {
            for prog in s
                .programs
                .range(after_id.saturating_add(1)..)
                .map(|(_, p)| p)
            {
                if !matches(&program_view(s, prog), &params)? {
                    continue;
                }
                if found.len() == MOBJECT_PAGE {
                    more = true;
                    break;
                }
                found.push(program_object(
                    s,
                    prog,
                    params.include_details == Some(true),
                    dt,
                ));
            }
        }
        Kind::Opportunity | Kind::Role => {
            let want = type_name(k);
            for o in s
                .mobjects
                .range(after_id.saturating_add(1)..)
                .map(|(_, o)| o)
                .filter(|o| o.object_type == want)
            {
                if !matches(&record_view(o), &params)? {
                    continue;
                }
                if found.len() == MOBJECT_PAGE {
                    more = true;
                    break;
                }
                found.push(record_object(o, dt));
            }
        }
    }
    let next = match found.last().and_then(|o| o.id) {
        Some(last) if more => s.positions.issue(Cursor::MObjects {
            query: Box::new(MObjectQuery { params }),
            after_id: last,
        }),
        _ => String::new(),
    };
    let mut r = ResultGetMObjects::new(count(found.len()), more, next);
    if !found.is_empty() {
        let mut list = ArrayOfMObject::new();
        list.m_object = found;
        r.m_object_list = Some(list);
    }
    Ok(SuccessGetMObjects::new(r))
}

fn program_object(
    s: &Store,
    p: &crate::model::Program,
    details: bool,
    dt: &dyn Fn(i64) -> DateTime,
) -> MObject {
    let workspace_id = s
        .workspaces
        .iter()
        .position(|w| w == &p.workspace)
        .map_or(1, |i| i + 1);
    let mut o = MObject::new("Program");
    o.id = Some(p.id);
    o.created_at = Some(dt(p.created_at));
    o.updated_at = Some(dt(p.updated_at));
    o.attrib_list = Some(attribs(program_attribs(p, workspace_id)));
    if details {
        let mut types = ArrayOfTypeAttrib::new();
        let mut push = |ty: &str, pairs: Vec<(&str, String)>| {
            let mut t = TypeAttrib::new(ty);
            t.attr_list = Some(attribs(pairs));
            types.type_attrib.push(t);
        };
        for (t, v) in &p.tags {
            push("Tag", vec![("Type", t.clone()), ("Value", v.clone())]);
        }
        for t in &p.tokens {
            push(
                "Token",
                vec![("Name", t.name.clone()), ("Value", t.value.clone())],
            );
        }
        for c in &p.costs {
            push(
                "Cost",
                vec![
                    ("Id", c.id.to_string()),
                    ("Month", c.month.clone()),
                    ("Amount", c.amount.clone()),
                    ("Note", c.note.clone()),
                ],
            );
        }
        if !types.type_attrib.is_empty() {
            o.type_attrib_list = Some(types);
        }
    }
    o
}

fn record_object(r: &MObjectRecord, dt: &dyn Fn(i64) -> DateTime) -> MObject {
    let mut o = MObject::new(r.object_type.clone());
    o.id = Some(r.id);
    o.external_key = r
        .external_key
        .as_ref()
        .map(|(k, v)| Attrib::new(k.clone(), v.clone()));
    o.created_at = Some(dt(r.created_at));
    o.updated_at = Some(dt(r.updated_at));
    o.attrib_list = Some(attribs(
        r.attributes.iter().map(|(k, v)| (k.as_str(), v.clone())),
    ));
    if !r.associations.is_empty() {
        let mut list = ArrayOfMObjAssociation::new();
        for (t, id) in &r.associations {
            let mut a = MObjAssociation::new(t.clone());
            a.id = Some(*id);
            list.m_obj_association.push(a);
        }
        o.association_list = Some(list);
    }
    o
}

fn status(id: i32, st: MObjStatusEnum, key: Option<Attrib>, error: Option<String>) -> MObjStatus {
    let mut m = MObjStatus::new(id, st);
    m.external_key = key;
    m.error = error;
    m
}

pub(crate) fn sync_m_objects(
    s: &mut Store,
    now: i64,
    p: ParamsSyncMObjects,
) -> OpResult<SuccessSyncMObjects> {
    let objects = &p.m_object_list.m_object;
    if objects.len() > MAX_SYNC_OBJECTS {
        return Err(ServiceError::new(
            codes::BAD_PARAMETER,
            format!(
                "{} objects given; at most {MAX_SYNC_OBJECTS} per call",
                objects.len()
            ),
        ));
    }
    let op = match p.operation {
        SyncOperationEnum::Insert | SyncOperationEnum::Update | SyncOperationEnum::Upsert => {
            p.operation.clone()
        }
        ref other => {
            return Err(ServiceError::new(
                codes::BAD_PARAMETER,
                format!("unknown operation {other}"),
            ));
        }
    };
    let mut list = ArrayOfMObjStatus::new();
    for o in objects {
        let id = o.id.unwrap_or(0);
        let key = o.external_key.clone();
        let st = match kind(&o.r#type) {
            Some(Kind::Program) => match update_program(s, o, &op, now) {
                Ok(()) => status(id, MObjStatusEnum::Updated, key, None),
                Err(e) => status(id, MObjStatusEnum::Failed, key, Some(e)),
            },
            Some(k @ (Kind::Opportunity | Kind::Role)) => {
                match sync_record(s, o, type_name(k), &op, now) {
                    Ok((id, st)) => status(id, st, key, None),
                    Err((st, e)) => status(id, st, key, Some(e)),
                }
            }
            None => status(
                id,
                MObjStatusEnum::Failed,
                key,
                Some(format!("objects of type {:?} cannot be synced", o.r#type)),
            ),
        };
        list.m_obj_status.push(st);
    }
    Ok(SuccessSyncMObjects::new(ResultSyncMObjects::new(list)))
}

/// The value of attribute `name` in a list of attribs (case-insensitive name).
fn attrib<'a>(list: &'a ArrayOfAttrib, name: &str) -> Option<&'a str> {
    list.attrib
        .iter()
        .find(|a| a.name.trim().eq_ignore_ascii_case(name))
        .map(|a| a.value.trim())
}

/// Programs can only be updated: period costs and tags (existing tag values only).
fn update_program(
    s: &mut Store,
    o: &MObject,
    op: &SyncOperationEnum,
    now: i64,
) -> Result<(), String> {
    if *op != SyncOperationEnum::Update {
        return Err("programs can only be updated (operation UPDATE)".into());
    }
    let id = o.id.ok_or("a program needs its id")?;
    let tag_types = s.tags.clone();
    let channels: Vec<String> = s.channels.iter().map(|c| c.name.clone()).collect();
    let mut next_cost = s.next_cost_id;
    let Some(program) = s.programs.get_mut(&id) else {
        return Err(format!("no program {id}"));
    };
    let mut updated = program.clone();
    for t in o
        .type_attrib_list
        .as_ref()
        .map(|l| l.type_attrib.as_slice())
        .unwrap_or_default()
    {
        let empty = ArrayOfAttrib::new();
        let attrs = t.attr_list.as_ref().unwrap_or(&empty);
        match t.attr_type.trim().to_ascii_lowercase().as_str() {
            "cost" => {
                let month = attrib(attrs, "Month").ok_or("a cost needs Month")?;
                let amount = attrib(attrs, "Amount").ok_or("a cost needs Amount")?;
                let month = normalize_month(month).ok_or("Month must be YYYY-MM or YYYY-MM-DD")?;
                let note = attrib(attrs, "Note").unwrap_or("").to_owned();
                match attrib(attrs, "Id").and_then(|v| v.parse::<i32>().ok()) {
                    Some(cid) => {
                        let c = updated
                            .costs
                            .iter_mut()
                            .find(|c| c.id == cid)
                            .ok_or_else(|| format!("no cost {cid} in program {id}"))?;
                        c.month = month;
                        c.amount = amount.to_owned();
                        c.note = note;
                    }
                    None => {
                        updated.costs.push(Cost {
                            id: next_cost,
                            month,
                            amount: amount.to_owned(),
                            note,
                        });
                        next_cost += 1;
                    }
                }
            }
            "tag" => {
                let ty = attrib(attrs, "Type").ok_or("a tag needs Type")?;
                let value = attrib(attrs, "Value").ok_or("a tag needs Value")?;
                if ty.eq_ignore_ascii_case("Channel") {
                    let name = channels
                        .iter()
                        .find(|c| c.eq_ignore_ascii_case(value))
                        .ok_or_else(|| format!("no channel {value:?}"))?;
                    updated.channel = Some(name.clone());
                    continue;
                }
                let known = tag_types
                    .iter()
                    .find(|t| t.tag_type.eq_ignore_ascii_case(ty))
                    .ok_or_else(|| format!("no tag type {ty:?}"))?;
                let v = known
                    .values
                    .iter()
                    .find(|v| v.eq_ignore_ascii_case(value))
                    .ok_or_else(|| format!("{value:?} is not a value of tag {ty:?}"))?;
                updated.tags.retain(|(t, _)| !t.eq_ignore_ascii_case(ty));
                updated.tags.push((known.tag_type.clone(), v.clone()));
            }
            other => return Err(format!("programs take Cost and Tag details, not {other:?}")),
        }
    }
    updated.updated_at = now;
    *program = updated;
    s.next_cost_id = next_cost;
    Ok(())
}

fn normalize_month(m: &str) -> Option<String> {
    let b = m.as_bytes();
    let ok = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match b.len() {
        7 if b[4] == b'-' && ok(&b[..4]) && ok(&b[5..7]) => Some(format!("{m}-01")),
        10 if b[4] == b'-' && b[7] == b'-' && ok(&b[..4]) && ok(&b[5..7]) && ok(&b[8..]) => {
            Some(format!("{}-01", &m[..7]))
        }
        _ => None,
    }
}

fn sync_record(
    s: &mut Store,
    o: &MObject,
    ty: &str,
    op: &SyncOperationEnum,
    now: i64,
) -> Result<(i32, MObjStatusEnum), (MObjStatusEnum, String)> {
    let existing = match (o.id, &o.external_key) {
        (Some(id), _) => s
            .mobjects
            .get(&id)
            .filter(|r| r.object_type == ty)
            .map(|r| r.id),
        (None, Some(k)) => s
            .mobjects
            .values()
            .rev()
            .find(|r| {
                r.object_type == ty && r.external_key == Some((k.name.clone(), k.value.clone()))
            })
            .map(|r| r.id),
        (None, None) => None,
    };
    let fail = |e: String| (MObjStatusEnum::Failed, e);
    let mut record = match (existing, op) {
        (Some(_), SyncOperationEnum::Insert) => {
            return Err((MObjStatusEnum::Skipped, "the object already exists".into()));
        }
        (None, SyncOperationEnum::Update) => {
            return Err((MObjStatusEnum::Skipped, "no such object to update".into()));
        }
        (Some(id), _) => s
            .mobjects
            .get(&id)
            .cloned()
            .ok_or_else(|| fail("object vanished".into()))?,
        (None, _) => MObjectRecord {
            id: 0,
            object_type: ty.to_owned(),
            external_key: None,
            attributes: BTreeMap::new(),
            associations: Vec::new(),
            created_at: now,
            updated_at: now,
        },
    };
    if let Some(k) = &o.external_key {
        record.external_key = Some((k.name.clone(), k.value.clone()));
    }
    for a in o
        .attrib_list
        .as_ref()
        .map(|l| l.attrib.as_slice())
        .unwrap_or_default()
    {
        record
            .attributes
            .insert(a.name.trim().to_owned(), a.value.clone());
    }
    for a in o
        .association_list
        .as_ref()
        .map(|l| l.m_obj_association.as_slice())
        .unwrap_or_default()
    {
        if let Some(id) = a.id
            && !record
                .associations
                .iter()
                .any(|(t, i)| t == &a.m_obj_type && *i == id)
        {
            record.associations.push((a.m_obj_type.clone(), id));
        }
    }
    if ty == "OpportunityPersonRole" {
        let int = |f: &str| {
            record
                .attributes
                .get(f)
                .and_then(|v| v.trim().parse::<i32>().ok())
        };
        let opp = int("OpportunityId").ok_or_else(|| fail("OpportunityId is required".into()))?;
        let person = int("PersonId").ok_or_else(|| fail("PersonId is required".into()))?;
        if s.mobjects
            .get(&opp)
            .is_none_or(|r| r.object_type != "Opportunity")
        {
            return Err(fail(format!("no Opportunity {opp}")));
        }
        if !s.leads.contains_key(&person) {
            return Err(fail(format!("no lead {person}")));
        }
    }
    record.updated_at = now;
    let created = record.id == 0;
    if created {
        record.id = s.next_mobject_id;
        s.next_mobject_id += 1;
    }
    let id = record.id;
    s.mobjects.insert(id, record);
    Ok((
        id,
        if created {
            MObjStatusEnum::Created
        } else {
            MObjStatusEnum::Updated
        },
    ))
}

pub(crate) fn delete_m_objects(
    s: &mut Store,
    p: ParamsDeleteMObjects,
) -> OpResult<SuccessDeleteMObjects> {
    let mut list = ArrayOfMObjStatus::new();
    for o in &p.m_object_list.m_object {
        let id = o.id.unwrap_or(0);
        let key = o.external_key.clone();
        let st = match (kind(&o.r#type), o.id) {
            (Some(k @ (Kind::Opportunity | Kind::Role)), Some(id)) => {
                let ty = type_name(k);
                if s.mobjects.get(&id).is_some_and(|r| r.object_type == ty) {
                    s.mobjects.remove(&id);
                    status(id, MObjStatusEnum::Deleted, key, None)
                } else {
                    status(
                        id,
                        MObjStatusEnum::Unchanged,
                        key,
                        Some(format!("no {ty} {id}")),
                    )
                }
            }
            (Some(Kind::Opportunity | Kind::Role), None) => status(
                id,
                MObjStatusEnum::Failed,
                key,
                Some("an id is required".into()),
            ),
            _ => status(
                id,
                MObjStatusEnum::Failed,
                key,
                Some(format!("objects of type {:?} cannot be deleted", o.r#type)),
            ),
        };
        list.m_obj_status.push(st);
    }
    Ok(SuccessDeleteMObjects::new(ResultDeleteMObjects::new(list)))
}

// ------------------------------------------------------------------ custom objects

fn custom_type(s: &Store, name: &str) -> OpResult<CustomObjectType> {
    s.custom_types
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
        .cloned()
        .ok_or_else(|| {
            ServiceError::new(
                codes::BAD_PARAMETER,
                format!("no custom object type {:?}", name.trim()),
            )
        })
}

fn has_field(t: &CustomObjectType, name: &str) -> bool {
    t.key_fields
        .iter()
        .chain(&t.fields)
        .any(|f| f.eq_ignore_ascii_case(name))
}

fn record_has(r: &CustomObjectRecord, name: &str, value: &str) -> bool {
    r.keys
        .iter()
        .chain(&r.attributes)
        .any(|(k, v)| k.eq_ignore_ascii_case(name) && v == value)
}

pub(crate) fn get_custom_objects(
    s: &mut Store,
    p: ParamsGetCustomObjects,
) -> OpResult<SuccessGetCustomObjects> {
    let ty = custom_type(s, &p.obj_type_name)?;
    let batch = batch_size(p.batch_size.value().copied(), 100, 100)?;
    let (keys, include, after_seq) = match p.stream_position.value().filter(|t| !t.is_empty()) {
        Some(t) => match s.positions.get(t) {
            Some(Cursor::CustomObjects {
                type_name,
                keys,
                include,
                after_seq,
            }) if type_name.eq_ignore_ascii_case(&ty.name) => {
                (keys.clone(), include.clone(), *after_seq)
            }
            _ => return Err(bad_position(t)),
        },
        None => {
            let mut keys = Vec::new();
            for a in p
                .custom_obj_key_list
                .value()
                .map(|l| l.attribute.as_slice())
                .unwrap_or_default()
            {
                if !has_field(&ty, a.attr_name.trim()) {
                    return Err(ServiceError::new(
                        codes::BAD_PARAMETER,
                        format!("{:?} is not a field of {}", a.attr_name, ty.name),
                    ));
                }
                keys.push((a.attr_name.trim().to_owned(), a.attr_value.clone()));
            }
            let include: Vec<String> = p
                .include_attributes
                .string_item
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
            (keys, include, 0)
        }
    };
    let records = s
        .custom_records
        .get(&ty.name.to_ascii_lowercase())
        .map(Vec::as_slice)
        .unwrap_or_default();
    let matching: Vec<&CustomObjectRecord> = records
        .iter()
        .filter(|r| r.seq > after_seq && keys.iter().all(|(k, v)| record_has(r, k, v)))
        .collect();
    let page = &matching[..matching.len().min(batch)];
    let remaining = matching.len() - page.len();
    let mut list = ArrayOfCustomObj::new();
    for r in page {
        let mut o = CustomObj::new();
        o.custom_obj_key_list = Nillable::Value(attributes(r.keys.iter()));
        o.custom_obj_attribute_list =
            Nillable::Value(attributes(r.attributes.iter().filter(|(k, _)| {
                include.is_empty() || include.iter().any(|i| i.eq_ignore_ascii_case(k))
            })));
        list.custom_obj.push(o);
    }
    let returned = page.len();
    let next = match page.last() {
        Some(last) if remaining > 0 => {
            let seq = last.seq;
            s.positions.issue(Cursor::CustomObjects {
                type_name: ty.name.clone(),
                keys,
                include,
                after_seq: seq,
            })
        }
        _ => String::new(),
    };
    let mut r = ResultGetCustomObjects::new(ty.name, count(returned), count(remaining), next);
    if returned > 0 {
        r.custom_obj_list = Nillable::Value(list);
    }
    Ok(SuccessGetCustomObjects::new(r))
}

fn custom_status(
    ty: &str,
    keys: Option<&ArrayOfAttribute>,
    st: SyncStatusEnum,
    error: Option<String>,
) -> SyncCustomObjStatus {
    let mut c = SyncCustomObjStatus::new(ty, st);
    c.custom_obj_key_list = keys.cloned().map_or(Nillable::Nil, Nillable::Value);
    c.error = error.map_or(Nillable::Nil, Nillable::Value);
    c
}

pub(crate) fn sync_custom_objects(
    s: &mut Store,
    p: ParamsSyncCustomObjects,
) -> OpResult<SuccessSyncCustomObjects> {
    let ty = custom_type(s, &p.obj_type_name)?;
    let objects = &p.custom_obj_list.custom_obj;
    if objects.len() > MAX_SYNC_OBJECTS {
        return Err(ServiceError::new(
            codes::BAD_PARAMETER,
            format!(
                "{} objects given; at most {MAX_SYNC_OBJECTS} per call",
                objects.len()
            ),
        ));
    }
    // The documentation does not say what an absent operation means; UPSERT is the natural
    // reading of "sync".
    let op = match p.operation.value() {
        None => SyncOperationEnum::Upsert,
        Some(
            o @ (SyncOperationEnum::Insert | SyncOperationEnum::Update | SyncOperationEnum::Upsert),
        ) => o.clone(),
        Some(other) => {
            return Err(ServiceError::new(
                codes::BAD_PARAMETER,
                format!("unknown operation {other}"),
            ));
        }
    };
    let mut list = ArrayOfSyncCustomObjStatus::new();
    let mut next_seq = s.next_custom_seq;
    let records = s
        .custom_records
        .entry(ty.name.to_ascii_lowercase())
        .or_default();
    for o in objects {
        let key_list = o.custom_obj_key_list.value();
        let mut keys = BTreeMap::new();
        let mut error = None;
        for a in key_list.map(|l| l.attribute.as_slice()).unwrap_or_default() {
            match ty
                .key_fields
                .iter()
                .find(|k| k.eq_ignore_ascii_case(a.attr_name.trim()))
            {
                Some(k) => {
                    keys.insert(k.clone(), a.attr_value.clone());
                }
                None => {
                    error = Some(format!(
                        "{:?} is not a key field of {}",
                        a.attr_name, ty.name
                    ))
                }
            }
        }
        if error.is_none()
            && let Some(missing) = ty.key_fields.iter().find(|k| !keys.contains_key(*k))
        {
            error = Some(format!("key field {missing:?} is missing"));
        }
        let mut values = BTreeMap::new();
        for a in o
            .custom_obj_attribute_list
            .value()
            .map(|l| l.attribute.as_slice())
            .unwrap_or_default()
        {
            match ty
                .fields
                .iter()
                .find(|f| f.eq_ignore_ascii_case(a.attr_name.trim()))
            {
                Some(f) => {
                    values.insert(f.clone(), a.attr_value.clone());
                }
                None => {
                    error.get_or_insert(format!("{:?} is not a field of {}", a.attr_name, ty.name));
                }
            }
        }
        if let Some(e) = error {
            list.sync_custom_obj_status.push(custom_status(
                &ty.name,
                key_list,
                SyncStatusEnum::Failed,
                Some(e),
            ));
            continue;
        }
        let existing = records.iter_mut().find(|r| r.keys == keys);
        let st = match (existing, &op) {
            (Some(_), SyncOperationEnum::Insert) => SyncStatusEnum::Skipped,
            (None, SyncOperationEnum::Update) => SyncStatusEnum::Skipped,
            (Some(r), _) => {
                let before = r.attributes.clone();
                r.attributes.extend(values);
                if r.attributes == before {
                    SyncStatusEnum::Unchanged
                } else {
                    SyncStatusEnum::Updated
                }
            }
            (None, _) => {
                records.push(CustomObjectRecord {
                    seq: next_seq,
                    keys,
                    attributes: values,
                });
                next_seq += 1;
                SyncStatusEnum::Created
            }
        };
        list.sync_custom_obj_status
            .push(custom_status(&ty.name, key_list, st, None));
    }
    s.next_custom_seq = next_seq;
    Ok(SuccessSyncCustomObjects::new(ResultSyncCustomObjects::new(
        list,
    )))
}

pub(crate) fn delete_custom_objects(
    s: &mut Store,
    p: ParamsDeleteCustomObjects,
) -> OpResult<SuccessDeleteCustomObjects> {
    let ty = custom_type(s, &p.obj_type_name)?;
    let records = s
        .custom_records
        .entry(ty.name.to_ascii_lowercase())
        .or_default();
    let mut list = ArrayOfSyncCustomObjStatus::new();
    for kl in &p.custom_obj_key_lists.key_list {
        if kl.attribute.is_empty() {
            list.sync_custom_obj_status.push(custom_status(
                &ty.name,
                Some(kl),
                SyncStatusEnum::Failed,
                Some("an empty key list".into()),
            ));
            continue;
        }
        let before = records.len();
        records.retain(|r| {
            !kl.attribute
                .iter()
                .all(|a| record_has(r, a.attr_name.trim(), &a.attr_value))
        });
        let st = if records.len() < before {
            SyncStatusEnum::Deleted
        } else {
            SyncStatusEnum::Unchanged
        };
        list.sync_custom_obj_status
            .push(custom_status(&ty.name, Some(kl), st, None));
    }
    Ok(SuccessDeleteCustomObjects::new(
        ResultDeleteCustomObjects::new(list),
    ))
}

// ------------------------------------------------------------------ channels and tags

pub(crate) fn get_channels(s: &mut Store, p: ParamsGetChannels) -> OpResult<SuccessGetChannels> {
    let wanted: Vec<String> = p
        .tag
        .as_ref()
        .and_then(|t| t.values.as_ref())
        .map(|v| {
            v.string_item
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    for w in &wanted {
        if !s.channels.iter().any(|c| c.name.eq_ignore_ascii_case(w)) {
            return Err(ServiceError::new(
                codes::BAD_PARAMETER,
                format!("no channel {w:?}"),
            ));
        }
    }
    let mut channels: Vec<&crate::model::Channel> = s
        .channels
        .iter()
        .filter(|c| wanted.is_empty() || wanted.iter().any(|w| c.name.eq_ignore_ascii_case(w)))
        .collect();
    // The service lists channels and their statuses alphabetically, not in step order.
    channels.sort_by(|a, b| a.name.cmp(&b.name));
    let mut tags = ArrayOfTagStatus::new();
    for c in channels {
        let mut statuses: Vec<_> = c.statuses.iter().collect();
        statuses.sort_by(|a, b| a.status.cmp(&b.status));
        let mut list = ArrayOfProgressionStatus::new();
        for st in statuses {
            let mut pairs = vec![
                ("Status", st.status.clone()),
                ("Step", st.step.to_string()),
                ("Success", st.success.to_string()),
            ];
            pairs.extend(st.extra.iter().map(|(k, v)| (k.as_str(), v.clone())));
            let mut item = ProgressionStatus::new();
            item.progression_status = Some(attribs(pairs));
            list.progression_status_item.push(item);
        }
        tags.tag_status.push(TagStatus::new(c.name.clone(), list));
    }
    Ok(SuccessGetChannels::new(ResultGetChannels::new(tags)))
}

pub(crate) fn get_tags(s: &mut Store, p: ParamsGetTags) -> OpResult<SuccessGetTags> {
    let mut out = ArrayOfTag::new();
    let requested: Vec<&Tag> = p
        .tag_list
        .as_ref()
        .map(|l| l.tag.iter().filter(|t| t.r#type.is_some()).collect())
        .unwrap_or_default();
    let push = |out: &mut ArrayOfTag, ty: &str, values: Vec<String>| {
        let mut t = Tag::new();
        t.r#type = Some(ty.to_owned());
        let mut v = ArrayOfString::new();
        v.string_item = values;
        t.values = Some(v);
        out.tag.push(t);
    };
    if requested.is_empty() {
        for t in &s.tags {
            push(&mut out, &t.tag_type, t.values.clone());
        }
    } else {
        for r in requested {
            let name = r.r#type.as_deref().unwrap_or("").trim();
            let known = s
                .tags
                .iter()
                .find(|t| t.tag_type.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    ServiceError::new(codes::BAD_PARAMETER, format!("no tag type {name:?}"))
                })?;
            let wanted: Vec<&String> = r
                .values
                .as_ref()
                .map(|v| v.string_item.iter().collect())
                .unwrap_or_default();
            let values = known
                .values
                .iter()
                .filter(|v| wanted.is_empty() || wanted.iter().any(|w| w.eq_ignore_ascii_case(v)))
                .cloned()
                .collect();
            push(&mut out, &known.tag_type, values);
        }
    }
    Ok(SuccessGetTags::new(ResultGetTags::new(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons() {
        assert!(compare("10", &ComparisonEnum::Lt, "9.5").is_ok_and(|b| !b));
        assert!(compare("abc", &ComparisonEnum::Eq, "ABC").is_ok_and(|b| b));
        assert!(compare("b", &ComparisonEnum::Ge, "a").is_ok_and(|b| b));
        assert_eq!(
            compare("1", &ComparisonEnum::Unknown("XX".into()), "1")
                .expect_err("unknown")
                .code,
            20110
        );
    }

    #[test]
    fn months() {
        assert_eq!(normalize_month("2026-03").as_deref(), Some("2026-03-01"));
        assert_eq!(normalize_month("2026-03-17").as_deref(), Some("2026-03-01"));
        assert_eq!(normalize_month("March"), None);
    }
}
