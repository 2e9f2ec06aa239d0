//! The emulator's data, as the state handle shows it. Times are seconds since the Unix epoch.

use std::collections::{BTreeMap, BTreeSet};

/// A lead (person) in the lead database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lead {
    /// Marketo id (`IDNUM`).
    pub id: i32,
    /// Email address; not unique.
    pub email: Option<String>,
    /// Id in a foreign system (unique together with the type).
    pub foreign_sys_person_id: Option<String>,
    /// `CUSTOM`, `SFDC` or `NETSUITE`.
    pub foreign_sys_type: Option<String>,
    /// Workspace the lead belongs to.
    pub workspace: String,
    /// Field values by API field name (`FirstName`, `LeadScore`, ...).
    pub attributes: BTreeMap<String, String>,
    /// Munchkin cookies associated with the lead.
    pub cookies: Vec<String>,
    /// Creation time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
}

/// One entry of a lead's activity log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    /// Activity id (increasing in time order).
    pub id: i32,
    /// The lead it belongs to.
    pub lead_id: i32,
    /// When it happened.
    pub at: i64,
    /// Display name (`New Lead`, `Change Data Value`, `Add to List`, ...).
    pub activity_type: String,
    /// Asset involved (a list name, a field name, a campaign, ...); may be empty.
    pub asset_name: String,
    /// Attribute name/value pairs, in order.
    pub attributes: Vec<(String, String)>,
    /// Campaign that caused it, if any.
    pub campaign: Option<String>,
}

/// A lead field known to the instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDef {
    /// API name (`FirstName`).
    pub name: String,
    /// Display name used in list imports (`First Name`).
    pub display_name: String,
    /// Data type as the service reports it (`string`, `integer`, `email`, `url`, `date`, ...).
    pub data_type: String,
}

/// A static list, in the lead database or inside a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaticList {
    /// List id.
    pub id: i32,
    /// List name.
    pub name: String,
    /// Name of the program the list belongs to, if any.
    pub program: Option<String>,
    /// Member lead ids.
    pub members: BTreeSet<i32>,
}

/// A program "My Token" (`{{my.name}}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Full token name, braces included (`{{my.message}}`).
    pub name: String,
    /// Value.
    pub value: String,
}

/// A period cost of a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cost {
    /// Cost id.
    pub id: i32,
    /// Month start, `YYYY-MM-DD`.
    pub month: String,
    /// Amount.
    pub amount: String,
    /// Note.
    pub note: String,
}

/// A program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// Program id.
    pub id: i32,
    /// Unique name.
    pub name: String,
    /// Program type (`Default`, `Event`, `Email`, ...).
    pub program_type: String,
    /// Channel (a value of the channel tag).
    pub channel: Option<String>,
    /// Workspace.
    pub workspace: String,
    /// Folder path shown as `Tree Path`.
    pub folder: String,
    /// Description.
    pub description: String,
    /// My Tokens, in order.
    pub tokens: Vec<Token>,
    /// Tags as (type, value).
    pub tags: Vec<(String, String)>,
    /// Period costs.
    pub costs: Vec<Cost>,
    /// The program this one was cloned from by scheduleCampaign, if any.
    pub cloned_from: Option<String>,
    /// Archived.
    pub archived: bool,
    /// Creation time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
}

impl Program {
    /// The value of My Token `name` (braces included).
    pub fn token(&self, name: &str) -> Option<&str> {
        self.tokens
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.value.as_str())
    }
}

/// Batch (scheduled) or trigger (requested) smart campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CampaignKind {
    /// Runs when scheduled (scheduleCampaign).
    Batch,
    /// Runs when triggered (requestCampaign, if requestable).
    Trigger,
}

/// A smart campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Campaign {
    /// Campaign id.
    pub id: i32,
    /// Name, unique within its program.
    pub name: String,
    /// The program it belongs to.
    pub program: String,
    /// Batch or trigger.
    pub kind: CampaignKind,
    /// Has a "Campaign is Requested" trigger with the Web Service API source (source MKTOWS).
    pub requestable: bool,
    /// Requestable from Sales Insight (source SALES).
    pub sales_requestable: bool,
    /// Description.
    pub description: String,
    /// Name of the static list whose members a scheduled run processes, if any.
    pub smart_list: Option<String>,
}

/// How a run came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOrigin {
    /// scheduleCampaign.
    Scheduled,
    /// requestCampaign.
    Requested,
}

/// A campaign run created by scheduleCampaign or requestCampaign, with the token values in
/// force for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CampaignRun {
    /// Run id (1, 2, ...).
    pub id: u32,
    /// The campaign run (in the clone, when the call cloned the program).
    pub campaign_id: i32,
    /// Its name.
    pub campaign_name: String,
    /// The program it ran in (the clone's name when cloned).
    pub program_name: String,
    /// How it came about.
    pub origin: RunOrigin,
    /// `campaignRunAt` as sent, or the time of the call when absent.
    pub run_at: String,
    /// When the call arrived.
    pub requested_at: i64,
    /// Request source (`MKTOWS`, `SALES`) for requested runs.
    pub source: Option<String>,
    /// Tokens sent with the call, in order.
    pub call_tokens: Vec<(String, String)>,
    /// Effective token values for the run: the program's My Tokens overridden by the call's.
    pub tokens: BTreeMap<String, String>,
    /// Leads the run processes.
    pub lead_ids: Vec<i32>,
    /// Effective token values per lead where they differ from `tokens` (importToList per-lead
    /// values override the call's, which override the program's).
    pub lead_tokens: BTreeMap<i32, BTreeMap<String, String>>,
    /// The program created by `cloneToProgramName`, if any.
    pub cloned_program: Option<String>,
}

/// Status of a list import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportStatus {
    /// Accepted, not finished.
    Processing,
    /// Finished.
    Complete,
    /// Failed as a whole.
    Failed,
}

/// An importToList job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportJob {
    /// Job id.
    pub id: u32,
    /// Program.
    pub program_name: String,
    /// List imported into.
    pub list_name: String,
    /// Campaign whose next run gets the per-lead tokens, if any.
    pub campaign_name: Option<String>,
    /// Status as last reported.
    pub status: ImportStatus,
    /// Status polls answered so far.
    pub polls: u32,
    /// Start.
    pub started_at: i64,
    /// End, once complete.
    pub ended_at: Option<i64>,
    /// Rows sent.
    pub rows: u32,
    /// Rows imported.
    pub imported: u32,
    /// Rows that failed.
    pub failed: u32,
    /// Rows ignored (no matching lead in LISTONLY mode).
    pub ignored: u32,
    /// Human-readable summary.
    pub summary: String,
}

/// An Opportunity or OpportunityPersonRole record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MObjectRecord {
    /// Id.
    pub id: i32,
    /// `Opportunity` or `OpportunityPersonRole`.
    pub object_type: String,
    /// External key (name, value).
    pub external_key: Option<(String, String)>,
    /// Attributes by name.
    pub attributes: BTreeMap<String, String>,
    /// Associations as (object type, id).
    pub associations: Vec<(String, i32)>,
    /// Creation time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
}

/// A custom object type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomObjectType {
    /// Name (matched case-insensitively; this spelling is returned).
    pub name: String,
    /// Description.
    pub description: String,
    /// Key (dedupe) fields, in order.
    pub key_fields: Vec<String>,
    /// Other fields.
    pub fields: Vec<String>,
}

/// A custom object record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomObjectRecord {
    /// Insertion sequence number (the paging order).
    pub seq: u64,
    /// Key field values.
    pub keys: BTreeMap<String, String>,
    /// Other field values.
    pub attributes: BTreeMap<String, String>,
}

/// One progression status of a channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelStatus {
    /// Status name.
    pub status: String,
    /// Step number.
    pub step: i32,
    /// Counts as success.
    pub success: bool,
    /// Channel-specific extra attributes.
    pub extra: Vec<(String, String)>,
}

/// A program channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Channel {
    /// Channel name.
    pub name: String,
    /// Progression statuses.
    pub statuses: Vec<ChannelStatus>,
}

/// A tag type and its allowed values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagType {
    /// Tag type.
    pub tag_type: String,
    /// Allowed values.
    pub values: Vec<String>,
}

/// A request as received, with what the emulator answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Sequence number (1, 2, ...), in arrival order.
    pub seq: u64,
    /// Arrival time (emulator clock), milliseconds since the epoch.
    pub received_at_ms: i64,
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// The `SOAPAction` header as received.
    pub soap_action: Option<String>,
    /// The operation the body selected, when it decoded.
    pub operation: Option<&'static str>,
    /// The body, as text (invalid UTF-8 replaced).
    pub body: String,
    /// What the emulator did.
    pub outcome: Outcome,
}

/// The emulator's answer to a recorded request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A success response (HTTP 200).
    Success,
    /// A SOAP fault with this code (HTTP 500).
    Fault(u32),
    /// An injected misbehaviour (other than a forced fault, which is recorded as `Fault`).
    Injected(crate::inject::Injection),
    /// The WSDL or another non-SOAP page.
    Page(u16),
}
