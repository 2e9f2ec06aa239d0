//! The JSON seed file that fills an instance (`--data FILE`), and the built-in demo dataset.
//!
//! The format is documented in `emulator/README.md`; `emulator/data/demo.json` is the built-in
//! dataset itself. Every section is optional, unknown keys are errors (so a typo does not
//! silently drop data), and names that refer to other records (list members, campaign smart
//! lists, custom object types) must resolve.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use mktows_runtime::DateTime;
use serde::Deserialize;

use crate::model::{
    Campaign, CampaignKind, Channel, ChannelStatus, Cost, CustomObjectRecord, CustomObjectType,
    FieldDef, Lead, MObjectRecord, Program, StaticList, TagType, Token,
};
use crate::store::Store;

/// The demo dataset, built in: `emulator/data/demo.json`.
pub const DEMO_JSON: &str = include_str!("../data/demo.json");

/// A dataset to start an instance with.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    /// Workspaces besides `Default` (which always exists).
    #[serde(default)]
    pub workspaces: Vec<String>,
    /// Lead fields besides the standard ones.
    #[serde(default)]
    pub fields: Vec<SeedField>,
    /// Leads.
    #[serde(default)]
    pub leads: Vec<SeedLead>,
    /// Static lists.
    #[serde(default)]
    pub static_lists: Vec<SeedList>,
    /// Programs with their tokens and campaigns.
    #[serde(default)]
    pub programs: Vec<SeedProgram>,
    /// Program channels.
    #[serde(default)]
    pub channels: Vec<SeedChannel>,
    /// Tag types.
    #[serde(default)]
    pub tags: Vec<SeedTagType>,
    /// Opportunity objects.
    #[serde(default)]
    pub opportunities: Vec<SeedMObject>,
    /// OpportunityPersonRole objects.
    #[serde(default)]
    pub opportunity_person_roles: Vec<SeedMObject>,
    /// Custom object types.
    #[serde(default)]
    pub custom_object_types: Vec<SeedCustomType>,
    /// Custom object records.
    #[serde(default)]
    pub custom_objects: Vec<SeedCustomObject>,
}

/// A lead field.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedField {
    /// API name.
    pub name: String,
    /// Display name (defaults to the API name).
    #[serde(default)]
    pub display_name: Option<String>,
    /// Data type (default `string`).
    #[serde(default, rename = "type")]
    pub data_type: Option<String>,
}

/// A lead.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedLead {
    /// Id (default: the next free one).
    #[serde(default)]
    pub id: Option<i32>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Foreign system id.
    #[serde(default)]
    pub foreign_sys_person_id: Option<String>,
    /// Foreign system type (`CUSTOM`, `SFDC`, `NETSUITE`).
    #[serde(default)]
    pub foreign_sys_type: Option<String>,
    /// Workspace (default `Default`).
    #[serde(default)]
    pub workspace: Option<String>,
    /// Field values by API name.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Munchkin cookies.
    #[serde(default)]
    pub cookies: Vec<String>,
    /// Creation time, an xs:dateTime with offset (default: start time).
    #[serde(default)]
    pub created_at: Option<String>,
    /// Last update (default: the creation time).
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// A static list.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedList {
    /// Id (default: the next free one).
    #[serde(default)]
    pub id: Option<i32>,
    /// Name.
    pub name: String,
    /// The program it belongs to, if any.
    #[serde(default)]
    pub program: Option<String>,
    /// Member lead ids.
    #[serde(default)]
    pub members: Vec<i32>,
}

/// A program.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedProgram {
    /// Id (default: the next free one).
    #[serde(default)]
    pub id: Option<i32>,
    /// Unique name.
    pub name: String,
    /// Program type (default `Default`).
    #[serde(default, rename = "type")]
    pub program_type: Option<String>,
    /// Channel.
    #[serde(default)]
    pub channel: Option<String>,
    /// Workspace (default `Default`).
    #[serde(default)]
    pub workspace: Option<String>,
    /// Folder (default `Marketing Activities`).
    #[serde(default)]
    pub folder: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// My Tokens; a name without braces (`message`) means `{{my.message}}`.
    #[serde(default)]
    pub tokens: Vec<SeedNameValue>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<SeedTag>,
    /// Period costs.
    #[serde(default)]
    pub costs: Vec<SeedCost>,
    /// Smart campaigns.
    #[serde(default)]
    pub campaigns: Vec<SeedCampaign>,
    /// Archived.
    #[serde(default)]
    pub archived: bool,
}

/// A name/value pair.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeedNameValue {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

/// A program tag.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeedTag {
    /// Tag type.
    #[serde(rename = "type")]
    pub tag_type: String,
    /// Value.
    pub value: String,
}

/// A period cost.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeedCost {
    /// Month start, `YYYY-MM-DD`.
    pub month: String,
    /// Amount.
    pub amount: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// A smart campaign.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedCampaign {
    /// Id (default: the next free one).
    #[serde(default)]
    pub id: Option<i32>,
    /// Name.
    pub name: String,
    /// `batch` or `trigger`.
    #[serde(rename = "type")]
    pub kind: SeedCampaignKind,
    /// Requestable through the web service API (source MKTOWS); trigger campaigns only.
    #[serde(default)]
    pub requestable: bool,
    /// Requestable from Sales Insight (source SALES).
    #[serde(default)]
    pub sales_requestable: bool,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Static list whose members a scheduled run processes.
    #[serde(default)]
    pub smart_list: Option<String>,
}

/// Batch or trigger.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SeedCampaignKind {
    /// Scheduled.
    Batch,
    /// Requested.
    Trigger,
}

/// A program channel.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeedChannel {
    /// Name.
    pub name: String,
    /// Progression statuses.
    pub statuses: Vec<SeedChannelStatus>,
}

/// A progression status.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeedChannelStatus {
    /// Status name.
    pub status: String,
    /// Step.
    pub step: i32,
    /// Counts as success.
    #[serde(default)]
    pub success: bool,
    /// Extra attributes (`Webinar Behavior`, ...).
    #[serde(default)]
    pub extra: BTreeMap<String, String>,
}

/// A tag type.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeedTagType {
    /// Tag type.
    #[serde(rename = "type")]
    pub tag_type: String,
    /// Allowed values.
    pub values: Vec<String>,
}

/// An Opportunity or OpportunityPersonRole.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedMObject {
    /// Id (default: the next free one).
    #[serde(default)]
    pub id: Option<i32>,
    /// External key.
    #[serde(default)]
    pub external_key: Option<SeedNameValue>,
    /// Attributes.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// A custom object type.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedCustomType {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Key (dedupe) fields.
    pub key_fields: Vec<String>,
    /// Other fields.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// A custom object record.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeedCustomObject {
    /// Type name.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Key values.
    pub keys: BTreeMap<String, String>,
    /// Other values.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// Why a seed could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError(pub String);

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid seed data: {}", self.0)
    }
}

impl std::error::Error for SeedError {}

impl Seed {
    /// The built-in demo dataset.
    pub fn demo() -> Seed {
        // The file is part of the crate and tested; failing to parse it is a build defect, and
        // an empty instance is the safe fallback in a release build.
        let parsed = Seed::from_json(DEMO_JSON);
        debug_assert!(parsed.is_ok(), "data/demo.json: {parsed:?}");
        parsed.unwrap_or_default()
    }

    /// Parses a seed from JSON text.
    pub fn from_json(text: &str) -> Result<Seed, SeedError> {
        serde_json::from_str(text).map_err(|e| SeedError(e.to_string()))
    }

    /// Reads and parses a seed file.
    pub fn from_file(path: &Path) -> Result<Seed, SeedError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SeedError(format!("{}: {e}", path.display())))?;
        Seed::from_json(&text).map_err(|e| SeedError(format!("{}: {}", path.display(), e.0)))
    }

    /// Builds the store; `now` (seconds) stands in for missing times.
    pub(crate) fn build(&self, now: i64) -> Result<Store, SeedError> {
        let mut s = Store::new();
        for w in &self.workspaces {
            if s.workspace(w).is_none() {
                s.workspaces.push(w.clone());
            }
        }
        for f in &self.fields {
            if f.name.trim().is_empty() {
                return Err(SeedError("a field has an empty name".into()));
            }
            s.add_field(FieldDef {
                name: f.name.clone(),
                display_name: f.display_name.clone().unwrap_or_else(|| f.name.clone()),
                data_type: f.data_type.clone().unwrap_or_else(|| "string".into()),
            });
        }
        let workspace = |s: &Store, w: &Option<String>, what: &str| -> Result<String, SeedError> {
            match w {
                None => Ok("Default".into()),
                Some(w) => s
                    .workspace(w)
                    .map(str::to_owned)
                    .ok_or_else(|| SeedError(format!("{what}: unknown workspace {w:?}"))),
            }
        };

        let mut lead_ids = BTreeSet::new();
        for l in &self.leads {
            let id = check_id(l.id.unwrap_or(s.next_lead_id), "lead")?;
            if !lead_ids.insert(id) {
                return Err(SeedError(format!("lead id {id} is duplicate")));
            }
            let what = format!("lead {id}");
            let created = time(&l.created_at, now, &what)?;
            let updated = time(&l.updated_at, created, &what)?;
            for name in l.attributes.keys() {
                if s.field(name).is_none() {
                    return Err(SeedError(format!("{what}: unknown field {name:?}")));
                }
            }
            if let Some(t) = &l.foreign_sys_type
                && !matches!(t.as_str(), "CUSTOM" | "SFDC" | "NETSUITE")
            {
                return Err(SeedError(format!("{what}: unknown foreignSysType {t:?}")));
            }
            let lead = Lead {
                id,
                email: l.email.clone(),
                foreign_sys_person_id: l.foreign_sys_person_id.clone(),
                foreign_sys_type: l.foreign_sys_type.clone(),
                workspace: workspace(&s, &l.workspace, &what)?,
                attributes: l
                    .attributes
                    .iter()
                    .filter_map(|(k, v)| s.field(k).map(|f| (f.name.clone(), v.clone())))
                    .collect(),
                cookies: l.cookies.clone(),
                created_at: created,
                updated_at: updated,
            };
            s.insert_lead(lead);
        }
        // Every seeded lead gets its "New Lead" activity, in creation order, so activity
        // history and lead changes have something to page through.
        let mut by_creation: Vec<(i64, i32)> =
            s.leads.values().map(|l| (l.created_at, l.id)).collect();
        by_creation.sort_unstable();
        for (at, id) in by_creation {
            s.log(
                id,
                at,
                "New Lead",
                "",
                vec![
                    ("Source Type".into(), "Web service API".into()),
                    ("Lead ID".into(), id.to_string()),
                ],
                None,
            );
        }

        let mut program_names = BTreeSet::new();
        for p in &self.programs {
            let id = check_id(p.id.unwrap_or(s.next_program_id), "program")?;
            if s.programs.contains_key(&id) {
                return Err(SeedError(format!("program id {id} is duplicate")));
            }
            if !program_names.insert(p.name.to_ascii_lowercase()) {
                return Err(SeedError(format!("program {:?} is duplicate", p.name)));
            }
            let what = format!("program {:?}", p.name);
            let mut costs = Vec::new();
            for c in &p.costs {
                costs.push(Cost {
                    id: s.next_cost_id,
                    month: c.month.clone(),
                    amount: c.amount.clone(),
                    note: c.note.clone(),
                });
                s.next_cost_id += 1;
            }
            s.programs.insert(
                id,
                Program {
                    id,
                    name: p.name.clone(),
                    program_type: p.program_type.clone().unwrap_or_else(|| "Default".into()),
                    channel: p.channel.clone(),
                    workspace: workspace(&s, &p.workspace, &what)?,
                    folder: p
                        .folder
                        .clone()
                        .unwrap_or_else(|| "Marketing Activities".into()),
                    description: p.description.clone(),
                    tokens: p
                        .tokens
                        .iter()
                        .map(|t| Token {
                            name: token_name(&t.name),
                            value: t.value.clone(),
                        })
                        .collect(),
                    tags: p
                        .tags
                        .iter()
                        .map(|t| (t.tag_type.clone(), t.value.clone()))
                        .collect(),
                    costs,
                    cloned_from: None,
                    archived: p.archived,
                    created_at: now,
                    updated_at: now,
                },
            );
            s.next_program_id = s.next_program_id.max(id + 1);
            for c in &p.campaigns {
                let cid = check_id(c.id.unwrap_or(s.next_campaign_id), "campaign")?;
                if s.campaigns.contains_key(&cid) {
                    return Err(SeedError(format!("campaign id {cid} is duplicate")));
                }
                s.campaigns.insert(
                    cid,
                    Campaign {
                        id: cid,
                        name: c.name.clone(),
                        program: p.name.clone(),
                        kind: match c.kind {
                            SeedCampaignKind::Batch => CampaignKind::Batch,
                            SeedCampaignKind::Trigger => CampaignKind::Trigger,
                        },
                        requestable: c.requestable,
                        sales_requestable: c.sales_requestable,
                        description: c.description.clone(),
                        smart_list: c.smart_list.clone(),
                    },
                );
                s.next_campaign_id = s.next_campaign_id.max(cid + 1);
            }
        }

        for l in &self.static_lists {
            let id = check_id(l.id.unwrap_or(s.next_list_id), "static list")?;
            if s.lists.contains_key(&id) {
                return Err(SeedError(format!("static list id {id} is duplicate")));
            }
            if let Some(p) = &l.program
                && s.find_program(p).is_none()
            {
                return Err(SeedError(format!(
                    "static list {:?}: unknown program {p:?}",
                    l.name
                )));
            }
            for m in &l.members {
                if !s.leads.contains_key(m) {
                    return Err(SeedError(format!(
                        "static list {:?}: unknown member lead {m}",
                        l.name
                    )));
                }
            }
            s.lists.insert(
                id,
                StaticList {
                    id,
                    name: l.name.clone(),
                    program: l.program.clone(),
                    members: l.members.iter().copied().collect(),
                },
            );
            s.next_list_id = s.next_list_id.max(id + 1);
        }
        let unresolved: Vec<String> = s
            .campaigns
            .values()
            .filter(|c| c.smart_list.is_some() && s.campaign_list(c).is_none())
            .map(|c| format!("{}.{}", c.program, c.name))
            .collect();
        if let Some(c) = unresolved.first() {
            return Err(SeedError(format!(
                "campaign {c:?}: its smartList names no static list"
            )));
        }

        s.channels = self
            .channels
            .iter()
            .map(|c| Channel {
                name: c.name.clone(),
                statuses: c
                    .statuses
                    .iter()
                    .map(|st| ChannelStatus {
                        status: st.status.clone(),
                        step: st.step,
                        success: st.success,
                        extra: st
                            .extra
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        s.tags = self
            .tags
            .iter()
            .map(|t| TagType {
                tag_type: t.tag_type.clone(),
                values: t.values.clone(),
            })
            .collect();

        for (list, ty) in [
            (&self.opportunities, "Opportunity"),
            (&self.opportunity_person_roles, "OpportunityPersonRole"),
        ] {
            for o in list {
                let id = check_id(o.id.unwrap_or(s.next_mobject_id), ty)?;
                if s.mobjects.contains_key(&id) {
                    return Err(SeedError(format!("{ty} id {id} is duplicate")));
                }
                s.mobjects.insert(
                    id,
                    MObjectRecord {
                        id,
                        object_type: ty.to_owned(),
                        external_key: o
                            .external_key
                            .as_ref()
                            .map(|k| (k.name.clone(), k.value.clone())),
                        attributes: o.attributes.clone(),
                        associations: Vec::new(),
                        created_at: now,
                        updated_at: now,
                    },
                );
                s.next_mobject_id = s.next_mobject_id.max(id + 1);
            }
        }

        for t in &self.custom_object_types {
            if t.key_fields.is_empty() {
                return Err(SeedError(format!(
                    "custom object type {:?} has no key fields",
                    t.name
                )));
            }
            s.custom_types.push(CustomObjectType {
                name: t.name.clone(),
                description: t.description.clone(),
                key_fields: t.key_fields.clone(),
                fields: t.fields.clone(),
            });
            s.custom_records
                .insert(t.name.to_ascii_lowercase(), Vec::new());
        }
        for o in &self.custom_objects {
            let Some(ty) = s
                .custom_types
                .iter()
                .find(|t| t.name.eq_ignore_ascii_case(&o.type_name))
                .cloned()
            else {
                return Err(SeedError(format!(
                    "custom object of unknown type {:?}",
                    o.type_name
                )));
            };
            for k in &ty.key_fields {
                if !o.keys.contains_key(k) {
                    return Err(SeedError(format!(
                        "custom object of type {:?} lacks key field {k:?}",
                        ty.name
                    )));
                }
            }
            let seq = s.next_custom_seq;
            s.next_custom_seq += 1;
            s.custom_records
                .entry(ty.name.to_ascii_lowercase())
                .or_default()
                .push(CustomObjectRecord {
                    seq,
                    keys: o.keys.clone(),
                    attributes: o.attributes.clone(),
                });
        }
        Ok(s)
    }
}

/// Largest id a seed may use, so that ids handed out later can never overflow.
const MAX_SEED_ID: i32 = 1_000_000_000;

/// Checks a seeded id is in `1..=MAX_SEED_ID`.
fn check_id(id: i32, what: &str) -> Result<i32, SeedError> {
    if (1..=MAX_SEED_ID).contains(&id) {
        Ok(id)
    } else {
        Err(SeedError(format!(
            "{what} id {id} is outside 1..={MAX_SEED_ID}"
        )))
    }
}

/// `message` → `{{my.message}}`; full names are kept.
pub(crate) fn token_name(name: &str) -> String {
    let n = name.trim();
    if n.starts_with("{{") {
        n.to_owned()
    } else {
        format!("{{{{my.{n}}}}}")
    }
}

fn time(text: &Option<String>, default: i64, what: &str) -> Result<i64, SeedError> {
    match text {
        None => Ok(default),
        Some(t) => t
            .parse::<DateTime>()
            .ok()
            .and_then(|d| d.to_unix_seconds())
            .ok_or_else(|| {
                SeedError(format!(
                    "{what}: {t:?} is not an xs:dateTime with an offset"
                ))
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_parses_and_builds() {
        let seed = Seed::from_json(DEMO_JSON).expect("demo.json parses");
        let store = seed.build(1_767_330_000).expect("demo.json builds");
        let p = store
            .find_program("Trav-Demo-Program")
            .and_then(|id| store.programs.get(&id))
            .expect("demo program");
        assert_eq!(
            p.token("{{my.message}}"),
            Some("Hello from the demo program")
        );
        assert!(p.token("{{my.other token}}").is_some());
        let c = store
            .find_campaign("Trav-Demo-Program", "Batch Campaign Example")
            .expect("demo campaign");
        assert_eq!(store.campaigns[&c].kind, CampaignKind::Batch);
    }

    #[test]
    fn rejects_bad_references_and_unknown_keys() {
        let e = Seed::from_json(r#"{"leads":[{"id":1,"attributes":{"Nope":"x"}}]}"#)
            .expect("parses")
            .build(0)
            .expect_err("unknown field");
        assert!(e.0.contains("Nope"), "{e}");
        assert!(Seed::from_json(r#"{"leeds":[]}"#).is_err());
        let e = Seed::from_json(r#"{"staticLists":[{"name":"L","members":[5]}]}"#)
            .expect("parses")
            .build(0)
            .expect_err("unknown member");
        assert!(e.0.contains("member lead 5"), "{e}");
    }

    #[test]
    fn ids_are_bounded() {
        let e = Seed::from_json(r#"{"leads":[{"id":2147483647}]}"#)
            .expect("parses")
            .build(0)
            .expect_err("too large");
        assert!(e.0.contains("outside"), "{e}");
        assert!(
            Seed::from_json(r#"{"opportunities":[{"id":0}]}"#)
                .expect("parses")
                .build(0)
                .is_err()
        );
    }

    #[test]
    fn token_names() {
        assert_eq!(token_name("message"), "{{my.message}}");
        assert_eq!(token_name("{{my.other token}}"), "{{my.other token}}");
    }
}
