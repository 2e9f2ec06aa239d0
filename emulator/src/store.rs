//! The in-memory instance: leads and their activity log, lists, programs, campaigns, objects.
//!
//! One `Store` sits behind one mutex; every operation runs start to finish under it, which makes
//! each call atomic (no lost or duplicated writes under concurrency) and keeps the code simple.
//! Nothing here awaits.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use mktows::{ArrayOfAttribute, Attribute, ForeignSysType, LeadKeyRef, LeadRecord};
use mktows_runtime::Nillable;

use crate::faults::{ServiceError, codes};
use crate::model::{
    Activity, Campaign, CampaignRun, Channel, CustomObjectRecord, CustomObjectType, FieldDef,
    ImportJob, Lead, MObjectRecord, Program, StaticList, TagType,
};
use crate::paging::Positions;

/// Most stream positions kept at once.
const MAX_POSITIONS: usize = 100_000;

#[derive(Debug)]
pub(crate) struct Store {
    pub fields: Vec<FieldDef>,
    field_index: HashMap<String, usize>,
    pub workspaces: Vec<String>,
    pub leads: BTreeMap<i32, Lead>,
    email_index: HashMap<String, BTreeSet<i32>>,
    foreign_index: HashMap<(String, String), i32>,
    /// In id (= time) order.
    pub activities: Vec<Activity>,
    pub lists: BTreeMap<i32, StaticList>,
    pub programs: BTreeMap<i32, Program>,
    pub campaigns: BTreeMap<i32, Campaign>,
    pub runs: Vec<CampaignRun>,
    /// importToList per-lead tokens waiting for a campaign's next run: campaign id → lead id →
    /// token → value.
    pub pending_lead_tokens: HashMap<i32, BTreeMap<i32, BTreeMap<String, String>>>,
    /// (quota day, scheduleCampaign calls with a clone that day).
    pub clone_calls: (i64, u32),
    /// Opportunities and OpportunityPersonRoles (one id space).
    pub mobjects: BTreeMap<i32, MObjectRecord>,
    pub custom_types: Vec<CustomObjectType>,
    /// By lowercase type name, in `seq` order.
    pub custom_records: HashMap<String, Vec<CustomObjectRecord>>,
    pub channels: Vec<Channel>,
    pub tags: Vec<TagType>,
    pub imports: Vec<ImportJob>,
    pub positions: Positions,
    pub next_lead_id: i32,
    pub next_activity_id: i32,
    pub next_list_id: i32,
    pub next_program_id: i32,
    pub next_campaign_id: i32,
    pub next_mobject_id: i32,
    pub next_cost_id: i32,
    pub next_custom_seq: u64,
}

/// How an upsert treats its record.
#[derive(Clone, Copy, Debug)]
pub(crate) struct UpsertOptions<'a> {
    /// Match an existing lead by email when no unique key matches.
    pub dedup: bool,
    /// MktowsContextHeader/targetWorkspace.
    pub workspace: Option<&'a str>,
    /// A Munchkin cookie to associate.
    pub cookie: Option<&'a str>,
    /// Whether an Email given as key overwrites the matched lead's email (syncLead) or only an
    /// Email attribute does (syncMultipleLeads).
    pub email_key_overwrites: bool,
    /// Offset for dates written into activity attributes.
    pub utc_offset_minutes: i32,
}

/// The standard lead fields: (API name, display name, type).
const STANDARD_FIELDS: &[(&str, &str, &str)] = &[
    ("Email", "Email Address", "email"),
    ("FirstName", "First Name", "string"),
    ("LastName", "Last Name", "string"),
    ("Company", "Company Name", "string"),
    ("Title", "Job Title", "string"),
    ("Phone", "Phone Number", "phone"),
    ("MobilePhone", "Mobile Phone Number", "phone"),
    ("Website", "Website", "url"),
    ("Address", "Address", "text"),
    ("City", "City", "string"),
    ("State", "State", "string"),
    ("PostalCode", "Postal Code", "string"),
    ("Country", "Country", "string"),
    ("Industry", "Industry", "string"),
    ("LeadSource", "Lead Source", "string"),
    ("LeadStatus", "Lead Status", "string"),
    ("LeadScore", "Lead Score", "integer"),
    ("AnnualRevenue", "Annual Revenue", "currency"),
    ("NumberOfEmployees", "Num Employees", "integer"),
    ("Unsubscribed", "Unsubscribed", "boolean"),
    ("DoNotCall", "Do Not Call", "boolean"),
    ("LeadOwnerEmail", "Lead Owner Email Address", "email"),
    ("SfdcLeadId", "SFDC Lead ID", "string"),
    ("SfdcContactId", "SFDC Contact ID", "string"),
    ("SfdcAccountId", "SFDC Account ID", "string"),
    ("SfdcOpptyId", "SFDC Opportunity ID", "string"),
    ("SfdcLeadOwnerId", "SFDC Lead Owner ID", "string"),
];

impl Store {
    pub(crate) fn new() -> Self {
        let mut s = Store {
            fields: Vec::new(),
            field_index: HashMap::new(),
            workspaces: vec!["Default".to_owned()],
            leads: BTreeMap::new(),
            email_index: HashMap::new(),
            foreign_index: HashMap::new(),
            activities: Vec::new(),
            lists: BTreeMap::new(),
            programs: BTreeMap::new(),
            campaigns: BTreeMap::new(),
            runs: Vec::new(),
            pending_lead_tokens: HashMap::new(),
            clone_calls: (i64::MIN, 0),
            mobjects: BTreeMap::new(),
            custom_types: Vec::new(),
            custom_records: HashMap::new(),
            channels: Vec::new(),
            tags: Vec::new(),
            imports: Vec::new(),
            positions: Positions::new(MAX_POSITIONS),
            next_lead_id: 1,
            next_activity_id: 1,
            next_list_id: 1,
            next_program_id: 1,
            next_campaign_id: 1,
            next_mobject_id: 1,
            next_cost_id: 1,
            next_custom_seq: 1,
        };
        for (name, display, ty) in STANDARD_FIELDS {
            s.add_field(FieldDef {
                name: (*name).to_owned(),
                display_name: (*display).to_owned(),
                data_type: (*ty).to_owned(),
            });
        }
        s
    }

    /// Adds a field, or replaces the one with the same name.
    pub(crate) fn add_field(&mut self, field: FieldDef) {
        let key = field.name.to_ascii_lowercase();
        if let Some(&i) = self.field_index.get(&key) {
            self.fields[i] = field;
        } else {
            self.field_index.insert(key, self.fields.len());
            self.fields.push(field);
        }
    }

    /// A field by API name, case-insensitively.
    pub(crate) fn field(&self, name: &str) -> Option<&FieldDef> {
        self.field_index
            .get(&name.to_ascii_lowercase())
            .map(|&i| &self.fields[i])
    }

    /// A field by API name or display name (list imports use display names).
    pub(crate) fn field_by_any_name(&self, name: &str) -> Option<&FieldDef> {
        self.field(name).or_else(|| {
            self.fields
                .iter()
                .find(|f| f.display_name.eq_ignore_ascii_case(name))
        })
    }

    pub(crate) fn workspace(&self, name: &str) -> Option<&str> {
        self.workspaces
            .iter()
            .find(|w| w.eq_ignore_ascii_case(name))
            .map(String::as_str)
    }

    // ---------------------------------------------------------------- leads

    /// Inserts a lead as is (seeding), indexing it.
    pub(crate) fn insert_lead(&mut self, lead: Lead) {
        self.index_lead(&lead);
        self.next_lead_id = self.next_lead_id.max(lead.id.saturating_add(1));
        self.leads.insert(lead.id, lead);
    }

    fn index_lead(&mut self, lead: &Lead) {
        if let Some(e) = &lead.email {
            self.email_index
                .entry(e.to_ascii_lowercase())
                .or_default()
                .insert(lead.id);
        }
        if let (Some(id), Some(ty)) = (&lead.foreign_sys_person_id, &lead.foreign_sys_type) {
            self.foreign_index
                .insert((ty.to_ascii_uppercase(), id.clone()), lead.id);
        }
    }

    fn unindex_lead(&mut self, lead: &Lead) {
        if let Some(e) = &lead.email {
            let key = e.to_ascii_lowercase();
            if let Some(set) = self.email_index.get_mut(&key) {
                set.remove(&lead.id);
                if set.is_empty() {
                    self.email_index.remove(&key);
                }
            }
        }
        if let (Some(id), Some(ty)) = (&lead.foreign_sys_person_id, &lead.foreign_sys_type) {
            let key = (ty.to_ascii_uppercase(), id.clone());
            if self.foreign_index.get(&key) == Some(&lead.id) {
                self.foreign_index.remove(&key);
            }
        }
    }

    /// Leads whose email is `email` (case-insensitive), oldest first.
    pub(crate) fn leads_by_email(&self, email: &str) -> Vec<i32> {
        self.email_index
            .get(&email.to_ascii_lowercase())
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The leads a lead key selects (possibly several: emails are not unique).
    pub(crate) fn resolve_lead_key(
        &self,
        key_type: &LeadKeyRef,
        value: &str,
    ) -> Result<Vec<i32>, ServiceError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(ServiceError::new(
                codes::LEAD_KEY_REQUIRED,
                "the lead key has no value",
            ));
        }
        let by_attribute = |field: &str| -> Vec<i32> {
            self.leads
                .values()
                .filter(|l| {
                    l.attributes
                        .get(field)
                        .is_some_and(|v| v.eq_ignore_ascii_case(value))
                })
                .map(|l| l.id)
                .collect()
        };
        let found = match key_type {
            LeadKeyRef::Idnum => {
                let id: i32 = value.parse().map_err(|_| {
                    ServiceError::new(
                        codes::LEAD_KEY_BAD,
                        format!("IDNUM {value:?} is not an integer"),
                    )
                })?;
                if self.leads.contains_key(&id) {
                    vec![id]
                } else {
                    Vec::new()
                }
            }
            LeadKeyRef::Email => self.leads_by_email(value),
            LeadKeyRef::Cookie => self
                .leads
                .values()
                .filter(|l| l.cookies.iter().any(|c| c == value))
                .map(|l| l.id)
                .collect(),
            LeadKeyRef::Leadowneremail => {
                let found = by_attribute("LeadOwnerEmail");
                if found.is_empty() {
                    return Err(ServiceError::new(
                        codes::LEAD_OWNER_NOT_FOUND,
                        format!("no lead owner {value}"),
                    ));
                }
                found
            }
            LeadKeyRef::Sfdcleadid => {
                let mut found = by_attribute("SfdcLeadId");
                if let Some(&id) = self
                    .foreign_index
                    .get(&("SFDC".to_owned(), value.to_owned()))
                    && !found.contains(&id)
                {
                    found.push(id);
                    found.sort_unstable();
                }
                found
            }
            LeadKeyRef::Sfdccontactid => by_attribute("SfdcContactId"),
            LeadKeyRef::Sfdcaccountid => by_attribute("SfdcAccountId"),
            LeadKeyRef::Sfdcopptyid => by_attribute("SfdcOpptyId"),
            LeadKeyRef::Sfdcleadownerid => {
                let found = by_attribute("SfdcLeadOwnerId");
                if found.is_empty() {
                    return Err(ServiceError::new(
                        codes::LEAD_OWNER_NOT_FOUND,
                        format!("no lead owner {value}"),
                    ));
                }
                found
            }
            other => {
                return Err(ServiceError::new(
                    codes::LEAD_KEY_BAD,
                    format!("unknown lead key type {other}"),
                ));
            }
        };
        Ok(found)
    }

    /// Like [`Store::resolve_lead_key`], but at least one lead must match (20103).
    pub(crate) fn require_lead_key(
        &self,
        key_type: &LeadKeyRef,
        value: &str,
    ) -> Result<Vec<i32>, ServiceError> {
        let found = self.resolve_lead_key(key_type, value)?;
        if found.is_empty() {
            return Err(ServiceError::new(
                codes::LEAD_NOT_FOUND,
                format!("no lead has {key_type} {}", value.trim()),
            ));
        }
        Ok(found)
    }

    /// Appends an activity.
    pub(crate) fn log(
        &mut self,
        lead_id: i32,
        at: i64,
        activity_type: &str,
        asset_name: &str,
        attributes: Vec<(String, String)>,
        campaign: Option<String>,
    ) {
        let id = self.next_activity_id;
        self.next_activity_id += 1;
        self.activities.push(Activity {
            id,
            lead_id,
            at,
            activity_type: activity_type.to_owned(),
            asset_name: asset_name.to_owned(),
            attributes,
            campaign,
        });
    }

    /// Creates or updates one lead from a `LeadRecord`; returns its id and whether it was
    /// created. Matching precedence: Id, then ForeignSysPersonId, then Email (when `dedup`),
    /// then the cookie.
    pub(crate) fn upsert_lead(
        &mut self,
        rec: &LeadRecord,
        opts: UpsertOptions<'_>,
        now: i64,
    ) -> Result<(i32, bool), ServiceError> {
        let id = rec.id.value().copied();
        let email = rec
            .email
            .value()
            .map(|e| e.trim())
            .filter(|e| !e.is_empty());
        let fsid = rec
            .foreign_sys_person_id
            .value()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty());
        let fstype = match rec.foreign_sys_type.value() {
            None => None,
            Some(
                t @ (ForeignSysType::Custom | ForeignSysType::Sfdc | ForeignSysType::Netsuite),
            ) => Some(t.as_str().to_owned()),
            Some(other) => {
                return Err(ServiceError::new(
                    codes::BAD_PARAMETER,
                    format!("unknown ForeignSysType {other}"),
                ));
            }
        };
        if id.is_none() && email.is_none() && fsid.is_none() && opts.cookie.is_none() {
            return Err(ServiceError::new(
                codes::LEAD_DETAIL_REQUIRED,
                "the lead record needs an Id, an Email or a ForeignSysPersonId",
            ));
        }
        if fsid.is_some() && fstype.is_none() {
            return Err(ServiceError::new(
                codes::BAD_PARAMETER,
                "ForeignSysPersonId needs a ForeignSysType",
            ));
        }
        let workspace = match opts.workspace {
            Some(w) => Some(
                self.workspace(w)
                    .ok_or_else(|| {
                        ServiceError::new(codes::BAD_PARAMETER, format!("no workspace {w:?}"))
                    })?
                    .to_owned(),
            ),
            None => None,
        };

        // Field values: validated before anything changes.
        let mut values: Vec<(String, String)> = Vec::new();
        let mut email_attribute: Option<String> = None;
        if let Some(list) = rec.lead_attribute_list.value() {
            for a in &list.attribute {
                let Some(field) = self.field(a.attr_name.trim()) else {
                    return Err(ServiceError::new(
                        codes::LEAD_ATTRIBUTE_BAD,
                        format!("no lead field {:?}", a.attr_name),
                    ));
                };
                if field.name == "Email" {
                    email_attribute = Some(a.attr_value.trim().to_owned());
                } else {
                    values.push((field.name.clone(), a.attr_value.clone()));
                }
            }
        }

        // Matching.
        enum By {
            Unique,
            Email,
        }
        let matched: Option<(i32, By)> = if let Some(id) = id {
            if !self.leads.contains_key(&id) {
                return Err(ServiceError::new(
                    codes::LEAD_NOT_FOUND,
                    format!("no lead has IDNUM {id}"),
                ));
            }
            Some((id, By::Unique))
        } else if let Some(found) = fsid.and_then(|f| {
            self.foreign_index
                .get(&(fstype.clone().unwrap_or_default(), f.to_owned()))
                .copied()
        }) {
            Some((found, By::Unique))
        } else if let Some(found) = email
            .filter(|_| opts.dedup)
            .and_then(|e| self.leads_by_email(e).last().copied())
        {
            // Emails are not unique; like the service, take the most recently created lead.
            Some((found, By::Email))
        } else {
            opts.cookie
                .and_then(|c| {
                    self.leads
                        .values()
                        .find(|l| l.cookies.iter().any(|x| x == c))
                        .map(|l| l.id)
                })
                .map(|id| (id, By::Unique))
        };

        match matched {
            None => {
                let new_id = self.next_lead_id;
                self.next_lead_id += 1;
                let lead = Lead {
                    id: new_id,
                    email: email_attribute
                        .filter(|e| !e.is_empty())
                        .or_else(|| email.map(str::to_owned)),
                    foreign_sys_person_id: fsid.map(str::to_owned),
                    foreign_sys_type: fsid.and(fstype),
                    workspace: workspace.unwrap_or_else(|| "Default".to_owned()),
                    attributes: values.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
                    cookies: opts.cookie.map(|c| vec![c.to_owned()]).unwrap_or_default(),
                    created_at: now,
                    updated_at: now,
                };
                self.insert_lead(lead);
                let date = crate::clock::datetime(now, opts.utc_offset_minutes).to_string();
                self.log(
                    new_id,
                    now,
                    "New Lead",
                    "",
                    vec![
                        ("Source Type".to_owned(), "Web service API".to_owned()),
                        ("Source Info".to_owned(), "Web service API".to_owned()),
                        ("Created Date".to_owned(), date[..10].to_owned()),
                        ("Lead ID".to_owned(), new_id.to_string()),
                    ],
                    None,
                );
                Ok((new_id, true))
            }
            Some((lead_id, by)) => {
                let Some(mut lead) = self.leads.get(&lead_id).cloned() else {
                    return Err(ServiceError::new(
                        codes::LEAD_SYNC_FAILED,
                        "the matched lead vanished",
                    ));
                };
                if let (By::Unique, Some(w)) = (&by, &workspace)
                    && !lead.workspace.eq_ignore_ascii_case(w)
                {
                    return Err(ServiceError::new(
                        codes::LEAD_SYNC_FAILED,
                        format!(
                            "lead {lead_id} is in workspace {:?}, not {w:?}",
                            lead.workspace
                        ),
                    ));
                }
                self.unindex_lead(&lead);
                let mut changes: Vec<(String, String, String)> = Vec::new();
                let new_email = match (&by, email_attribute, email) {
                    (_, Some(e), _) => Some(e),
                    (By::Unique, None, Some(e)) if opts.email_key_overwrites => Some(e.to_owned()),
                    _ => None,
                };
                if let Some(e) = new_email {
                    let old = lead.email.clone().unwrap_or_default();
                    if old != e {
                        changes.push(("Email".to_owned(), old, e.clone()));
                        lead.email = (!e.is_empty()).then_some(e);
                    }
                }
                if id.is_some()
                    && let (Some(f), Some(t)) = (fsid, &fstype)
                    && (lead.foreign_sys_person_id.as_deref() != Some(f)
                        || lead.foreign_sys_type.as_deref() != Some(t))
                {
                    lead.foreign_sys_person_id = Some(f.to_owned());
                    lead.foreign_sys_type = Some(t.clone());
                }
                for (name, value) in values {
                    let old = lead.attributes.get(&name).cloned().unwrap_or_default();
                    if old != value {
                        if value.is_empty() {
                            lead.attributes.remove(&name);
                        } else {
                            lead.attributes.insert(name.clone(), value.clone());
                        }
                        changes.push((name, old, value));
                    }
                }
                if let Some(c) = opts.cookie
                    && !lead.cookies.iter().any(|x| x == c)
                {
                    lead.cookies.push(c.to_owned());
                }
                if !changes.is_empty() {
                    lead.updated_at = now;
                }
                self.index_lead(&lead);
                self.leads.insert(lead_id, lead);
                for (name, old, new) in changes {
                    let display = self
                        .field(&name)
                        .map_or_else(|| name.clone(), |f| f.display_name.clone());
                    self.log(
                        lead_id,
                        now,
                        "Change Data Value",
                        &display,
                        vec![
                            ("Attribute Name".to_owned(), display.clone()),
                            ("Old Value".to_owned(), old),
                            ("New Value".to_owned(), new),
                            ("Reason".to_owned(), "SOAP API".to_owned()),
                            ("Source".to_owned(), "Web service API".to_owned()),
                        ],
                        None,
                    );
                }
                Ok((lead_id, false))
            }
        }
    }

    /// Removes a lead (merge loser), with its list memberships and index entries.
    pub(crate) fn remove_lead(&mut self, id: i32) -> Option<Lead> {
        let lead = self.leads.remove(&id)?;
        self.unindex_lead(&lead);
        for list in self.lists.values_mut() {
            list.members.remove(&id);
        }
        Some(lead)
    }

    /// Replaces a lead's record (after a merge), keeping the indexes right.
    pub(crate) fn replace_lead(&mut self, lead: Lead) {
        if let Some(old) = self.leads.get(&lead.id).cloned() {
            self.unindex_lead(&old);
        }
        self.index_lead(&lead);
        self.leads.insert(lead.id, lead);
    }

    /// The wire form of a lead. Empty values are left out, as the service does; `include`
    /// (case-insensitive API names) restricts the attributes returned.
    pub(crate) fn lead_record(&self, lead: &Lead, include: Option<&[String]>) -> LeadRecord {
        let mut rec = LeadRecord::new();
        rec.id = Nillable::Value(lead.id);
        rec.email = lead.email.clone().map_or(Nillable::Nil, Nillable::Value);
        rec.foreign_sys_person_id = lead
            .foreign_sys_person_id
            .clone()
            .map_or(Nillable::Nil, Nillable::Value);
        rec.foreign_sys_type = lead
            .foreign_sys_type
            .as_deref()
            .map_or(Nillable::Nil, |t| Nillable::Value(ForeignSysType::from(t)));
        let mut list = ArrayOfAttribute::new();
        for (name, value) in &lead.attributes {
            if value.is_empty() {
                continue;
            }
            if let Some(inc) = include
                && !inc.iter().any(|i| i.eq_ignore_ascii_case(name))
            {
                continue;
            }
            let mut a = Attribute::new(name.clone(), value.clone());
            a.attr_type = Nillable::Value(
                self.field(name)
                    .map_or_else(|| "string".to_owned(), |f| f.data_type.clone()),
            );
            list.attribute.push(a);
        }
        rec.lead_attribute_list = Nillable::Value(list);
        rec
    }

    // ---------------------------------------------------------------- lists, programs

    /// A static list by name. `Program.List` names a list inside a program; a plain name is
    /// looked up among all lists (preferring lists outside programs).
    pub(crate) fn find_list(&self, name: &str) -> Option<i32> {
        let name = name.trim();
        let mut by_plain = self
            .lists
            .values()
            .filter(|l| l.name.eq_ignore_ascii_case(name))
            .collect::<Vec<_>>();
        by_plain.sort_by_key(|l| (l.program.is_some(), l.id));
        if let Some(l) = by_plain.first() {
            return Some(l.id);
        }
        // "Program.List": the program name may itself contain dots, so try every split.
        for (i, _) in name.match_indices('.') {
            let (p, l) = (&name[..i], &name[i + 1..]);
            if let Some(found) = self.find_list_in(p, l) {
                return Some(found);
            }
        }
        None
    }

    /// A list inside the program named `program`.
    pub(crate) fn find_list_in(&self, program: &str, list: &str) -> Option<i32> {
        self.lists
            .values()
            .find(|l| {
                l.name.eq_ignore_ascii_case(list.trim())
                    && l.program
                        .as_deref()
                        .is_some_and(|p| p.eq_ignore_ascii_case(program.trim()))
            })
            .map(|l| l.id)
    }

    /// A program by name (exact match first, then case-insensitive).
    pub(crate) fn find_program(&self, name: &str) -> Option<i32> {
        let name = name.trim();
        self.programs
            .values()
            .find(|p| p.name == name)
            .or_else(|| {
                self.programs
                    .values()
                    .find(|p| p.name.eq_ignore_ascii_case(name))
            })
            .map(|p| p.id)
    }

    /// A campaign by name inside a program.
    pub(crate) fn find_campaign(&self, program: &str, name: &str) -> Option<i32> {
        let name = name.trim();
        self.campaigns
            .values()
            .find(|c| c.program.eq_ignore_ascii_case(program) && c.name == name)
            .or_else(|| {
                self.campaigns.values().find(|c| {
                    c.program.eq_ignore_ascii_case(program) && c.name.eq_ignore_ascii_case(name)
                })
            })
            .map(|c| c.id)
    }

    /// The static list a campaign's smart list names: in the campaign's program first, then in
    /// the program it was cloned from, then anywhere.
    pub(crate) fn campaign_list(&self, campaign: &Campaign) -> Option<i32> {
        let list = campaign.smart_list.as_deref()?;
        if let Some(id) = self.find_list_in(&campaign.program, list) {
            return Some(id);
        }
        let source = self
            .find_program(&campaign.program)
            .and_then(|p| self.programs.get(&p))
            .and_then(|p| p.cloned_from.clone());
        if let Some(src) = source
            && let Some(id) = self.find_list_in(&src, list)
        {
            return Some(id);
        }
        self.find_list(list)
    }

    /// Clones a program (tokens, tags, channel and campaigns; not costs or lists) under a new
    /// name; returns the new program's id.
    pub(crate) fn clone_program(&mut self, source: i32, name: &str, now: i64) -> Option<i32> {
        let src = self.programs.get(&source)?.clone();
        let id = self.next_program_id;
        self.next_program_id += 1;
        let copy = Program {
            id,
            name: name.to_owned(),
            costs: Vec::new(),
            cloned_from: Some(src.name.clone()),
            archived: false,
            created_at: now,
            updated_at: now,
            ..src.clone()
        };
        self.programs.insert(id, copy);
        let campaigns: Vec<Campaign> = self
            .campaigns
            .values()
            .filter(|c| c.program == src.name)
            .cloned()
            .collect();
        for c in campaigns {
            let cid = self.next_campaign_id;
            self.next_campaign_id += 1;
            self.campaigns.insert(
                cid,
                Campaign {
                    id: cid,
                    program: name.to_owned(),
                    ..c
                },
            );
        }
        Some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> UpsertOptions<'static> {
        UpsertOptions {
            dedup: true,
            workspace: None,
            cookie: None,
            email_key_overwrites: true,
            utc_offset_minutes: 0,
        }
    }

    fn record(email: &str, first: &str) -> LeadRecord {
        let mut r = LeadRecord::new();
        r.email = Nillable::Value(email.to_owned());
        let mut list = ArrayOfAttribute::new();
        list.attribute.push(Attribute::new("FirstName", first));
        r.lead_attribute_list = Nillable::Value(list);
        r
    }

    #[test]
    fn upsert_creates_then_updates_by_email() {
        let mut s = Store::new();
        let (id, created) = s
            .upsert_lead(&record("a@example.invalid", "A"), opts(), 100)
            .expect("create");
        assert!(created);
        let (id2, created) = s
            .upsert_lead(&record("A@EXAMPLE.invalid", "B"), opts(), 200)
            .expect("update");
        assert_eq!((id2, created), (id, false));
        assert_eq!(s.leads[&id].attributes["FirstName"], "B");
        assert_eq!(s.leads[&id].updated_at, 200);
        let types: Vec<&str> = s
            .activities
            .iter()
            .map(|a| a.activity_type.as_str())
            .collect();
        assert_eq!(types, ["New Lead", "Change Data Value"]);
        let mut bad = record("b@example.invalid", "B");
        if let Nillable::Value(l) = &mut bad.lead_attribute_list {
            l.attribute.push(Attribute::new("NoSuchField", "x"));
        }
        assert_eq!(
            s.upsert_lead(&bad, opts(), 300)
                .expect_err("bad field")
                .code,
            20105
        );
        assert_eq!(s.leads.len(), 1, "nothing written on error");
    }

    #[test]
    fn list_names() {
        let mut s = Store::new();
        s.lists.insert(
            1,
            StaticList {
                id: 1,
                name: "L".into(),
                program: Some("P.Q".into()),
                members: BTreeSet::new(),
            },
        );
        assert_eq!(s.find_list("P.Q.L"), Some(1));
        assert_eq!(s.find_list("l"), Some(1));
        assert_eq!(s.find_list("P.L"), None);
    }
}
