//! The 23 operations: `mktows::server::Service` over the in-memory [`Store`].
//!
//! Authentication, limits and fault injection happen before a call gets here (see `http.rs`);
//! these methods only implement what each operation does to the instance. Every method runs
//! under the store lock and finishes without awaiting, so each call is atomic.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use mktows::server::{RequestHeaders, Service};
use mktows::*;
use mktows_runtime::soap::SoapFault;
use mktows_runtime::{DateTime, Nillable};

use crate::clock::{Clock, datetime, quota_day, unix_seconds};
use crate::config::Config;
use crate::faults::{ServiceError, codes};
use crate::inject::lock;
use crate::model::{CampaignKind, CampaignRun, ImportJob, ImportStatus, Lead, RunOrigin};
use crate::paging::{ChangesQuery, Cursor, LeadQuery, LeadSet, TypeFilter};
use crate::store::{Store, UpsertOptions};

/// 30 days, the longest LastUpdateAtSelector window (20022 beyond it).
const MAX_WINDOW_SECONDS: i64 = 30 * 86_400;

pub(crate) type OpResult<T> = Result<T, ServiceError>;

/// The service implementation shared by all connections.
pub(crate) struct Engine {
    pub store: Mutex<Store>,
    pub config: Config,
    pub clock: Arc<dyn Clock>,
}

impl Engine {
    fn now(&self) -> i64 {
        unix_seconds(self.clock.now())
    }

    fn dt(&self, unix: i64) -> DateTime {
        datetime(unix, self.config.utc_offset_minutes)
    }
}

/// Seconds since the epoch of a request dateTime, which must carry an offset.
fn instant(d: &DateTime, what: &str) -> OpResult<i64> {
    d.to_unix_seconds().ok_or_else(|| {
        ServiceError::new(
            codes::BAD_PARAMETER,
            format!("{what} {d} has no UTC offset, so it names no instant"),
        )
    })
}

/// A batch size: absent → `default`; larger than `max` → `max`; zero or negative → 20110.
pub(crate) fn batch_size(v: Option<i32>, default: usize, max: usize) -> OpResult<usize> {
    match v {
        None => Ok(default),
        Some(n) if n <= 0 => Err(ServiceError::new(
            codes::BAD_PARAMETER,
            format!("batchSize {n} must be positive"),
        )),
        Some(n) => Ok(usize::try_from(n).unwrap_or(max).min(max)),
    }
}

/// A non-empty string (trimmed) from an optional field.
fn text(v: Option<&String>) -> Option<&str> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Attributes with `attrType` nil, as activity and custom-object records carry them.
pub(crate) fn attributes<'a>(
    pairs: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> ArrayOfAttribute {
    let mut list = ArrayOfAttribute::new();
    for (k, v) in pairs {
        let mut a = Attribute::new(k.clone(), v.clone());
        a.attr_type = Nillable::Nil;
        list.attribute.push(a);
    }
    list
}

pub(crate) fn attribs<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> ArrayOfAttrib {
    let mut list = ArrayOfAttrib::new();
    list.attrib = pairs.into_iter().map(|(k, v)| Attrib::new(k, v)).collect();
    list
}

/// Validates My Token names (`{{my.name}}`) and returns (name, value) pairs in order.
fn call_tokens(list: Option<&ArrayOfAttrib>) -> OpResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for a in list.map(|l| l.attrib.as_slice()).unwrap_or_default() {
        let name = a.name.trim();
        // `get` rather than indexing: the name is client text and may hold multi-byte chars.
        let valid = name.len() > 7
            && name
                .get(..5)
                .is_some_and(|p| p.eq_ignore_ascii_case("{{my."))
            && name.ends_with("}}")
            && name
                .get(5..name.len() - 2)
                .is_some_and(|inner| !inner.trim().is_empty());
        if !valid {
            return Err(ServiceError::new(
                codes::BAD_PARAMETER,
                format!("token name {name:?} is not of the form {{{{my.name}}}}"),
            ));
        }
        out.push((name.to_owned(), a.value.clone()));
    }
    Ok(out)
}

/// Display names of the `ActivityType` enumeration values.
fn activity_display_name(t: &ActivityType) -> Option<&'static str> {
    Some(match t {
        ActivityType::VisitWebpage => "Visit Webpage",
        ActivityType::FillOutForm => "Fill Out Form",
        ActivityType::ClickLink => "Click Link",
        ActivityType::SendEmail => "Send Email",
        ActivityType::EmailDelivered => "Email Delivered",
        ActivityType::EmailBounced => "Email Bounced",
        ActivityType::UnsubscribeEmail => "Unsubscribe Email",
        ActivityType::OpenEmail => "Open Email",
        ActivityType::ClickEmail => "Click Email",
        ActivityType::NewLead => "New Lead",
        ActivityType::ChangeDataValue => "Change Data Value",
        ActivityType::LeadAssigned => "Lead Assigned",
        ActivityType::NewSfdcOpprtnty => "New SFDC Opportunity",
        ActivityType::Wait => "Wait",
        ActivityType::RunSubflow => "Run Subflow",
        ActivityType::RemoveFromFlow => "Remove from Flow",
        ActivityType::PushLeadToSales => "Push Lead to Sales",
        ActivityType::CreateTask => "Create Task",
        ActivityType::ConvertLead => "Convert Lead",
        ActivityType::ChangeScore => "Change Score",
        ActivityType::ChangeOwner => "Change Owner",
        ActivityType::AddToList => "Add to List",
        ActivityType::RemoveFromList => "Remove from List",
        ActivityType::SfdcActivity => "SFDC Activity",
        ActivityType::EmailBouncedSoft => "Email Bounced Soft",
        ActivityType::PushLeadUpdatesToSales => "Push Lead Updates to Sales",
        ActivityType::DeleteLeadFromSales => "Delete Lead from Sales",
        ActivityType::SfdcActivityUpdated => "SFDC Activity Updated",
        ActivityType::SfdcMergeLeads => "SFDC Merge Leads",
        ActivityType::MergeLeads => "Merge Leads",
        ActivityType::ResolveConflicts => "Resolve Conflicts",
        ActivityType::AssocWithOpprtntyInSales => "Associate with Opportunity in Sales",
        ActivityType::DissocFromOpprtntyInSales => "Dissociate from Opportunity in Sales",
        ActivityType::UpdateOpprtntyInSales => "Update Opportunity in Sales",
        ActivityType::DeleteLead => "Delete Lead",
        ActivityType::SendAlert => "Send Alert",
        ActivityType::SendSalesEmail => "Send Sales Email",
        ActivityType::OpenSalesEmail => "Open Sales Email",
        ActivityType::ClickSalesEmail => "Click Sales Email",
        ActivityType::AddtoSfdcCampaign => "Add to SFDC Campaign",
        ActivityType::RemoveFromSfdcCampaign => "Remove from SFDC Campaign",
        ActivityType::ChangeStatusInSfdcCampaign => "Change Status in SFDC Campaign",
        ActivityType::ReceiveSalesEmail => "Receive Sales Email",
        ActivityType::InterestingMoment => "Interesting Moment",
        ActivityType::RequestCampaign => "Request Campaign",
        ActivityType::SalesEmailBounced => "Sales Email Bounced",
        ActivityType::ChangeLeadPartition => "Change Lead Partition",
        ActivityType::ChangeRevenueStage => "Change Revenue Stage",
        ActivityType::ChangeRevenueStageManually => "Change Revenue Stage Manually",
        ActivityType::ComputeDataValue => "Compute Data Value",
        ActivityType::ChangeStatusInProgression => "Change Status in Progression",
        ActivityType::ChangeFieldInProgram => "Change Field in Program",
        ActivityType::EnrichWithDatacom => "Enrich with Data.com",
        ActivityType::ChangeSegment => "Change Segment",
        ActivityType::ResolveRuleset => "Resolve Ruleset",
        ActivityType::SmartCampaignTest => "Smart Campaign Test",
        ActivityType::SmartCampaignTestTrigger => "Smart Campaign Test Trigger",
        _ => return None,
    })
}

/// Every known display name, lowercase (for activityNameFilter).
fn known_activity_names() -> BTreeSet<String> {
    use ActivityType as A;
    [
        A::VisitWebpage,
        A::FillOutForm,
        A::ClickLink,
        A::SendEmail,
        A::EmailDelivered,
        A::EmailBounced,
        A::UnsubscribeEmail,
        A::OpenEmail,
        A::ClickEmail,
        A::NewLead,
        A::ChangeDataValue,
        A::LeadAssigned,
        A::NewSfdcOpprtnty,
        A::Wait,
        A::RunSubflow,
        A::RemoveFromFlow,
        A::PushLeadToSales,
        A::CreateTask,
        A::ConvertLead,
        A::ChangeScore,
        A::ChangeOwner,
        A::AddToList,
        A::RemoveFromList,
        A::SfdcActivity,
        A::EmailBouncedSoft,
        A::PushLeadUpdatesToSales,
        A::DeleteLeadFromSales,
        A::SfdcActivityUpdated,
        A::SfdcMergeLeads,
        A::MergeLeads,
        A::ResolveConflicts,
        A::AssocWithOpprtntyInSales,
        A::DissocFromOpprtntyInSales,
        A::UpdateOpprtntyInSales,
        A::DeleteLead,
        A::SendAlert,
        A::SendSalesEmail,
        A::OpenSalesEmail,
        A::ClickSalesEmail,
        A::AddtoSfdcCampaign,
        A::RemoveFromSfdcCampaign,
        A::ChangeStatusInSfdcCampaign,
        A::ReceiveSalesEmail,
        A::InterestingMoment,
        A::RequestCampaign,
        A::SalesEmailBounced,
        A::ChangeLeadPartition,
        A::ChangeRevenueStage,
        A::ChangeRevenueStageManually,
        A::ComputeDataValue,
        A::ChangeStatusInProgression,
        A::ChangeFieldInProgram,
        A::EnrichWithDatacom,
        A::ChangeSegment,
        A::ResolveRuleset,
        A::SmartCampaignTest,
        A::SmartCampaignTestTrigger,
    ]
    .iter()
    .filter_map(activity_display_name)
    .map(str::to_ascii_lowercase)
    .collect()
}

/// The include/exclude lists of an `ActivityTypeFilter`, as lowercase display names.
fn type_filter(f: Option<&ActivityTypeFilter>) -> OpResult<TypeFilter> {
    let mut out = TypeFilter::default();
    let Some(f) = f else { return Ok(out) };
    let names = |list: &Option<ArrayOfActivityType>| -> OpResult<Vec<String>> {
        let mut v = Vec::new();
        for t in list
            .as_ref()
            .map(|l| l.activity_type.as_slice())
            .unwrap_or_default()
        {
            match activity_display_name(t) {
                Some(n) => v.push(n.to_ascii_lowercase()),
                None => {
                    return Err(ServiceError::new(
                        codes::ACTIVITY_KEY_BAD,
                        format!("unknown activity type {t}"),
                    ));
                }
            }
        }
        Ok(v)
    };
    out.include = names(&f.include_types)?;
    out.exclude = names(&f.exclude_types)?;
    if !out.include.is_empty() && !out.exclude.is_empty() {
        return Err(ServiceError::new(
            codes::BAD_PARAMETER,
            "includeTypes and excludeTypes cannot be used together",
        ));
    }
    Ok(out)
}

/// `first last` of a lead, if it has either.
fn person_name(lead: &Lead) -> Option<String> {
    let parts: Vec<&str> = ["FirstName", "LastName"]
        .iter()
        .filter_map(|k| lead.attributes.get(*k).map(String::as_str))
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A `StreamPosition` carrying only an offset, as the service returns it.
fn position(offset: String) -> StreamPosition {
    let mut p = StreamPosition::new();
    p.latest_created_at = Nillable::Nil;
    p.oldest_created_at = Nillable::Nil;
    p.activity_created_at = Nillable::Nil;
    p.offset = Nillable::Value(offset);
    p
}

pub(crate) fn bad_position(token: &str) -> ServiceError {
    let shown: String = token.chars().take(64).collect();
    ServiceError::new(
        codes::BAD_STREAM_POSITION,
        format!("{shown:?} is not a stream position this service issued for this request"),
    )
}

impl Engine {
    // ------------------------------------------------------------------ leads

    fn get_lead_op(&self, s: &mut Store, p: ParamsGetLead) -> OpResult<SuccessGetLead> {
        let ids = s.require_lead_key(&p.lead_key.key_type, &p.lead_key.key_value)?;
        let mut list = ArrayOfLeadRecord::new();
        for id in &ids {
            if let Some(lead) = s.leads.get(id) {
                list.lead_record.push(s.lead_record(lead, None));
            }
        }
        let mut r = ResultGetLead::new(i32::try_from(list.lead_record.len()).unwrap_or(i32::MAX));
        r.lead_record_list = Nillable::Value(list);
        Ok(SuccessGetLead::new(r))
    }

    /// The ids of the leads a query selects after `after_id`, in id order.
    fn lead_ids(s: &Store, query: &LeadQuery, after_id: i32) -> Vec<i32> {
        let after = after_id.saturating_add(1);
        match query {
            LeadQuery::Ids(ids) => ids
                .iter()
                .copied()
                .filter(|id| *id > after_id && s.leads.contains_key(id))
                .collect(),
            LeadQuery::List(list) => s
                .lists
                .get(list)
                .map(|l| l.members.range(after..).copied().collect())
                .unwrap_or_default(),
            LeadQuery::UpdatedBetween { oldest, latest } => s
                .leads
                .range(after..)
                .filter(|(_, l)| l.updated_at >= *oldest && l.updated_at <= *latest)
                .map(|(id, _)| *id)
                .collect(),
        }
    }

    fn selector_query(
        &self,
        s: &Store,
        selector: &LeadSelector,
        now: i64,
        max_keys: Option<usize>,
    ) -> OpResult<LeadQuery> {
        match selector {
            LeadSelector::LeadKeySelector(k) => {
                let keys = &k.key_values.string_item;
                if let Some(max) = max_keys
                    && keys.len() > max
                {
                    return Err(ServiceError::new(
                        codes::BAD_PARAMETER,
                        format!("{} lead keys given; at most {max} are allowed", keys.len()),
                    ));
                }
                // getMultipleLeads ignores keys beyond the 100th, as documented.
                let mut ids = BTreeSet::new();
                for v in keys.iter().take(100) {
                    ids.extend(s.resolve_lead_key(&k.key_type, v)?);
                }
                Ok(LeadQuery::Ids(ids.into_iter().collect()))
            }
            LeadSelector::StaticListSelector(l) => {
                let found = if let Some(name) = text(l.static_list_name.value()) {
                    s.find_list(name)
                } else if let Some(id) = l.static_list_id.value() {
                    s.lists.contains_key(id).then_some(*id)
                } else {
                    return Err(ServiceError::new(
                        codes::PARAMETER_REQUIRED,
                        "StaticListSelector needs staticListName or staticListId",
                    ));
                };
                found
                    .map(LeadQuery::List)
                    .ok_or_else(|| ServiceError::new(codes::LIST_NOT_FOUND, "no such static list"))
            }
            LeadSelector::LastUpdateAtSelector(w) => {
                let oldest = instant(&w.oldest_updated_at, "oldestUpdatedAt")?;
                let latest = match w.latest_updated_at.value() {
                    Some(d) => instant(d, "latestUpdatedAt")?,
                    None => now,
                };
                window(oldest, latest)?;
                Ok(LeadQuery::UpdatedBetween { oldest, latest })
            }
            _ => Err(ServiceError::new(
                codes::NOT_UNDERSTOOD,
                "unsupported lead selector",
            )),
        }
    }

    fn get_multiple_leads_op(
        &self,
        s: &mut Store,
        now: i64,
        p: ParamsGetMultipleLeads,
    ) -> OpResult<SuccessGetMultipleLeads> {
        let max = usize::try_from(self.config.max_lead_batch).unwrap_or(1000);
        let batch = batch_size(p.batch_size.value().copied(), max, max)?;
        let token = p.stream_position.value().filter(|t| !t.is_empty());
        let (query, include, after_id) = match token {
            Some(t) => match s.positions.get(t) {
                Some(Cursor::Leads {
                    query,
                    include,
                    after_id,
                }) => (query.clone(), include.clone(), *after_id),
                _ => return Err(bad_position(t)),
            },
            None => {
                let query = match (&p.lead_selector, &p.last_updated_at) {
                    (Some(sel), _) => self.selector_query(s, sel, now, None)?,
                    (None, Some(since)) => {
                        let oldest = instant(since, "lastUpdatedAt")?;
                        window(oldest, now)?;
                        LeadQuery::UpdatedBetween {
                            oldest,
                            latest: now,
                        }
                    }
                    (None, None) => {
                        return Err(ServiceError::new(
                            codes::PARAMETER_REQUIRED,
                            "no selection criteria found in request (leadSelector)",
                        ));
                    }
                };
                let include = p
                    .include_attributes
                    .as_ref()
                    .map(|a| {
                        a.string_item
                            .iter()
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                    })
                    .filter(|v| !v.is_empty());
                (query, include, 0)
            }
        };
        let ids = Self::lead_ids(s, &query, after_id);
        let page: Vec<i32> = ids.iter().copied().take(batch).collect();
        let remaining = ids.len() - page.len();
        let mut list = ArrayOfLeadRecord::new();
        for id in &page {
            if let Some(lead) = s.leads.get(id) {
                list.lead_record
                    .push(s.lead_record(lead, include.as_deref()));
            }
        }
        // As in the documented sample, the position is empty once nothing remains.
        let next = match page.last() {
            Some(&last) if remaining > 0 => s.positions.issue(Cursor::Leads {
                query,
                include,
                after_id: last,
            }),
            _ => String::new(),
        };
        let mut r = ResultGetMultipleLeads::new(count(page.len()), count(remaining), next);
        if !list.lead_record.is_empty() {
            r.lead_record_list = Nillable::Value(list);
        }
        Ok(SuccessGetMultipleLeads::new(r))
    }

    fn sync_lead_op(
        &self,
        s: &mut Store,
        h: &RequestHeaders,
        now: i64,
        p: ParamsSyncLead,
    ) -> OpResult<SuccessSyncLead> {
        let workspace = h
            .mktows_context
            .as_ref()
            .map(|c| c.target_workspace.trim())
            .filter(|w| !w.is_empty());
        let opts = UpsertOptions {
            dedup: true,
            workspace,
            cookie: text(p.marketo_cookie.value()),
            email_key_overwrites: true,
            utc_offset_minutes: self.config.utc_offset_minutes,
        };
        let (id, created) = s.upsert_lead(&p.lead_record, opts, now)?;
        let mut status = SyncStatus::new(
            id,
            if created {
                LeadSyncStatus::Created
            } else {
                LeadSyncStatus::Updated
            },
        );
        status.error = Nillable::Nil;
        let mut r = ResultSyncLead::new(id, status);
        r.lead_record = match (p.return_lead, s.leads.get(&id)) {
            (true, Some(lead)) => Nillable::Value(s.lead_record(lead, None)),
            _ => Nillable::Nil,
        };
        Ok(SuccessSyncLead::new(r))
    }

    fn sync_multiple_leads_op(
        &self,
        s: &mut Store,
        now: i64,
        p: ParamsSyncMultipleLeads,
    ) -> OpResult<SuccessSyncMultipleLeads> {
        if p.lead_record_list.lead_record.is_empty() {
            return Err(ServiceError::new(
                codes::LEAD_DETAIL_REQUIRED,
                "leadRecordList is empty",
            ));
        }
        let opts = UpsertOptions {
            dedup: p.dedup_enabled.value().copied().unwrap_or(true),
            workspace: None,
            cookie: None,
            email_key_overwrites: false,
            utc_offset_minutes: self.config.utc_offset_minutes,
        };
        let mut list = ArrayOfSyncStatus::new();
        for rec in &p.lead_record_list.lead_record {
            let status = match s.upsert_lead(rec, opts, now) {
                Ok((id, created)) => {
                    let mut st = SyncStatus::new(
                        id,
                        if created {
                            LeadSyncStatus::Created
                        } else {
                            LeadSyncStatus::Updated
                        },
                    );
                    st.error = Nillable::Nil;
                    st
                }
                // One bad record does not fail the call: it is reported in its status.
                Err(e) => {
                    let mut st = SyncStatus::new(
                        rec.id.value().copied().unwrap_or(0),
                        LeadSyncStatus::Failed,
                    );
                    st.error = Nillable::Value(format!("{} ({})", e.message(), e.code));
                    st
                }
            };
            list.sync_status.push(status);
        }
        Ok(SuccessSyncMultipleLeads::new(ResultSyncMultipleLeads::new(
            list,
        )))
    }

    /// The one lead a merge key list (attributes named by key type) selects.
    fn merge_key(s: &Store, keys: &ArrayOfAttribute) -> OpResult<i32> {
        let mut found: Option<BTreeSet<i32>> = None;
        for a in &keys.attribute {
            let ids: BTreeSet<i32> = s
                .require_lead_key(&LeadKeyRef::from(a.attr_name.trim()), &a.attr_value)?
                .into_iter()
                .collect();
            found = Some(match found {
                None => ids,
                Some(prev) => prev.intersection(&ids).copied().collect(),
            });
        }
        let Some(found) = found else {
            return Err(ServiceError::new(
                codes::LEAD_KEY_REQUIRED,
                "a lead key list is empty",
            ));
        };
        let mut it = found.into_iter();
        match (it.next(), it.next()) {
            (Some(id), None) => Ok(id),
            (None, _) => Err(ServiceError::new(
                codes::LEAD_NOT_FOUND,
                "no lead matches all keys of a key list",
            )),
            (Some(_), Some(_)) => Err(ServiceError::new(
                codes::BAD_PARAMETER,
                "a key list matches more than one lead",
            )),
        }
    }

    fn merge_leads_op(
        &self,
        s: &mut Store,
        now: i64,
        p: ParamsMergeLeads,
    ) -> OpResult<SuccessMergeLeads> {
        let winner = Self::merge_key(s, &p.winning_lead_key_list)?;
        if p.losing_lead_key_lists.key_list.is_empty() {
            return Err(ServiceError::new(
                codes::LEAD_KEY_REQUIRED,
                "losingLeadKeyLists is empty",
            ));
        }
        let mut losers = Vec::new();
        for kl in &p.losing_lead_key_lists.key_list {
            let id = Self::merge_key(s, kl)?;
            if id == winner {
                return Err(ServiceError::new(
                    codes::BAD_PARAMETER,
                    format!("lead {id} cannot be merged into itself"),
                ));
            }
            if !losers.contains(&id) {
                losers.push(id);
            }
        }
        let Some(mut merged) = s.leads.get(&winner).cloned() else {
            return Err(ServiceError::new(codes::LEAD_NOT_FOUND, "winner vanished"));
        };
        for id in &losers {
            // List memberships move to the winner before the loser disappears.
            for list in s.lists.values_mut() {
                if list.members.contains(id) {
                    list.members.insert(winner);
                }
            }
            let Some(loser) = s.remove_lead(*id) else {
                continue;
            };
            // The winner keeps its values; empty fields are filled from the losers.
            for (k, v) in loser.attributes {
                merged.attributes.entry(k).or_insert(v);
            }
            if merged.email.is_none() {
                merged.email = loser.email;
            }
            for c in loser.cookies {
                if !merged.cookies.contains(&c) {
                    merged.cookies.push(c);
                }
            }
            for a in s.activities.iter_mut().filter(|a| a.lead_id == *id) {
                a.lead_id = winner;
            }
        }
        merged.updated_at = now;
        s.replace_lead(merged);
        let ids: Vec<String> = losers.iter().map(i32::to_string).collect();
        s.log(
            winner,
            now,
            "Merge Leads",
            "",
            vec![
                ("Merge ids".to_owned(), ids.join(",")),
                ("Source".to_owned(), "Web service API".to_owned()),
            ],
            None,
        );
        let mut status = MergeStatus::new(LeadMergeStatusEnum::Merged);
        status.winning_lead_id = Nillable::Value(winner);
        let mut lost = ArrayOfInteger::new();
        lost.integer_item = losers;
        status.losing_lead_id_list = Nillable::Value(lost);
        status.error = Nillable::Nil;
        Ok(SuccessMergeLeads::new(ResultMergeLeads::new(status)))
    }

    fn get_lead_activity_op(
        &self,
        s: &mut Store,
        p: ParamsGetLeadActivity,
    ) -> OpResult<SuccessGetLeadActivity> {
        // Emails are not unique; the history of the oldest matching lead is read.
        let lead_id = s
            .require_lead_key(&p.lead_key.key_type, &p.lead_key.key_value)?
            .first()
            .copied()
            .ok_or_else(|| ServiceError::bare(codes::LEAD_NOT_FOUND))?;
        let batch = batch_size(p.batch_size.value().copied(), 100, 100)?;
        let start = p.start_position.value();
        let token = start
            .and_then(|sp| sp.offset.value())
            .filter(|t| !t.is_empty());
        let (filter, before_id, oldest, latest) = match token {
            Some(t) => match s.positions.get(t) {
                Some(Cursor::Activity {
                    lead_id: l,
                    filter,
                    before_id,
                    at_end,
                }) if *l == lead_id => {
                    if *at_end {
                        return Err(ServiceError::new(
                            codes::STREAM_AT_END,
                            "this stream position is past the last activity",
                        ));
                    }
                    (filter.clone(), *before_id, None, None)
                }
                _ => return Err(bad_position(t)),
            },
            None => {
                let f = type_filter(p.activity_filter.value())?;
                let oldest = match start.and_then(|sp| sp.oldest_created_at.value()) {
                    Some(d) => Some(instant(d, "oldestCreatedAt")?),
                    None => None,
                };
                let latest = match start.and_then(|sp| sp.latest_created_at.value()) {
                    Some(d) => Some(instant(d, "latestCreatedAt")?),
                    None => None,
                };
                (f, i32::MAX, oldest, latest)
            }
        };
        let matching: Vec<&crate::model::Activity> = s
            .activities
            .iter()
            .rev()
            .filter(|a| {
                a.lead_id == lead_id
                    && a.id < before_id
                    && filter.accepts(&a.activity_type)
                    && oldest.is_none_or(|o| a.at >= o)
                    && latest.is_none_or(|l| a.at <= l)
            })
            .collect();
        let lead = s.leads.get(&lead_id);
        let mut list = ArrayOfActivityRecord::new();
        for a in matching.iter().take(batch) {
            let mut r = ActivityRecord::new(
                a.id,
                self.dt(a.at),
                a.activity_type.clone(),
                lead_id.to_string(),
            );
            r.mktg_asset_name = Some(a.asset_name.clone());
            r.activity_attributes =
                Nillable::Value(attributes(a.attributes.iter().map(|(k, v)| (k, v))));
            r.campaign = a.campaign.clone().map_or(Nillable::Nil, Nillable::Value);
            r.person_name = lead
                .and_then(person_name)
                .map_or(Nillable::Nil, Nillable::Value);
            r.foreign_sys_id = Nillable::Nil;
            r.org_name = lead
                .and_then(|l| l.attributes.get("Company").cloned())
                .map_or(Nillable::Nil, Nillable::Value);
            r.foreign_sys_org_id = Nillable::Nil;
            list.activity_record.push(r);
        }
        let returned = list.activity_record.len();
        let remaining = matching.len() - returned;
        let last = list.activity_record.last().map_or(before_id, |r| r.id);
        let token = s.positions.issue(Cursor::Activity {
            lead_id,
            filter,
            before_id: last,
            at_end: remaining == 0,
        });
        let mut r = LeadActivityList::new(count(returned), count(remaining), position(token));
        if returned > 0 {
            r.activity_record_list = Nillable::Value(list);
        }
        Ok(SuccessGetLeadActivity::new(r))
    }

    fn get_lead_changes_op(
        &self,
        s: &mut Store,
        now: i64,
        p: ParamsGetLeadChanges,
    ) -> OpResult<SuccessGetLeadChanges> {
        let batch = batch_size(p.batch_size.value().copied(), 1000, 1000)?;
        let token = p.start_position.offset.value().filter(|t| !t.is_empty());
        let (query, after_id) = match token {
            Some(t) => match s.positions.get(t) {
                Some(Cursor::Changes { query, after_id }) => (query.clone(), *after_id),
                _ => return Err(bad_position(t)),
            },
            None => {
                let mut filter = type_filter(p.activity_filter.value())?;
                if let Some(names) = p.activity_name_filter.value() {
                    let known = known_activity_names();
                    for n in &names.string_item {
                        let lower = n.trim().to_ascii_lowercase();
                        if !known.contains(&lower) {
                            return Err(ServiceError::new(
                                codes::ACTIVITY_KEY_BAD,
                                format!("unknown activity name {n:?}"),
                            ));
                        }
                        filter.include.push(lower);
                    }
                }
                let sp = &p.start_position;
                let mut oldest = match sp
                    .oldest_created_at
                    .value()
                    .or(sp.activity_created_at.value())
                {
                    Some(d) => Some(instant(d, "oldestCreatedAt")?),
                    None => None,
                };
                let mut latest = match sp.latest_created_at.value() {
                    Some(d) => Some(instant(d, "latestCreatedAt")?),
                    None => None,
                };
                let leads = match &p.lead_selector {
                    None => None,
                    Some(LeadSelector::LastUpdateAtSelector(w)) => {
                        let o = instant(&w.oldest_updated_at, "oldestUpdatedAt")?;
                        let l = match w.latest_updated_at.value() {
                            Some(d) => instant(d, "latestUpdatedAt")?,
                            None => now,
                        };
                        window(o, l)?;
                        oldest = Some(o);
                        latest = Some(l);
                        None
                    }
                    Some(sel) => match self.selector_query(s, sel, now, Some(100))? {
                        LeadQuery::Ids(ids) => Some(LeadSet::Ids(ids)),
                        LeadQuery::List(l) => Some(LeadSet::List(l)),
                        LeadQuery::UpdatedBetween { .. } => None,
                    },
                };
                (
                    ChangesQuery {
                        filter,
                        oldest,
                        latest,
                        leads,
                    },
                    0,
                )
            }
        };
        let in_set = |lead: i32| match &query.leads {
            None => true,
            Some(LeadSet::Ids(ids)) => ids.binary_search(&lead).is_ok(),
            Some(LeadSet::List(l)) => s.lists.get(l).is_some_and(|l| l.members.contains(&lead)),
        };
        let start = s.activities.partition_point(|a| a.id <= after_id);
        let matching: Vec<&crate::model::Activity> = s.activities[start..]
            .iter()
            .filter(|a| {
                query.filter.accepts(&a.activity_type)
                    && query.oldest.is_none_or(|o| a.at >= o)
                    && query.latest.is_none_or(|l| a.at <= l)
                    && in_set(a.lead_id)
            })
            .collect();
        let mut list = ArrayOfLeadChangeRecord::new();
        for a in matching.iter().take(batch) {
            let mut r = LeadChangeRecord::new(
                a.id,
                self.dt(a.at),
                a.activity_type.clone(),
                a.lead_id.to_string(),
            );
            r.mktg_asset_name = Nillable::Value(a.asset_name.clone());
            r.activity_attributes =
                Nillable::Value(attributes(a.attributes.iter().map(|(k, v)| (k, v))));
            r.campaign = a.campaign.clone();
            list.lead_change_record.push(r);
        }
        let returned = list.lead_change_record.len();
        let remaining = matching.len() - returned;
        let last = list.lead_change_record.last().map_or(after_id, |r| r.id);
        // The position is a cursor after the last change returned: it stays usable after the
        // last page, so a client can poll later for newer changes.
        let token = s.positions.issue(Cursor::Changes {
            query,
            after_id: last,
        });
        let mut r = ResultGetLeadChanges::new(count(returned), count(remaining), position(token));
        if returned > 0 {
            r.lead_change_record_list = Nillable::Value(list);
        }
        Ok(SuccessGetLeadChanges::new(r))
    }

    fn list_operation_op(
        &self,
        s: &mut Store,
        now: i64,
        p: ParamsListOperation,
    ) -> OpResult<SuccessListOperation> {
        let list_id = match p.list_key.key_type {
            ListKeyType::Mktolistname => s.find_list(&p.list_key.key_value),
            _ => None,
        }
        .ok_or_else(|| {
            ServiceError::new(
                codes::LIST_NOT_FOUND,
                format!(
                    "no static list {} {:?}",
                    p.list_key.key_type, p.list_key.key_value
                ),
            )
        })?;
        let members = &p.list_member_list.lead_key;
        if members.len() > 1000 {
            return Err(ServiceError::new(
                codes::BAD_PARAMETER,
                format!("{} leads given; at most 1000 per call", members.len()),
            ));
        }
        let strict = p.strict.value().copied().unwrap_or(false);
        let op = p.list_operation.clone();
        if !matches!(
            op,
            ListOperationType::Addtolist
                | ListOperationType::Removefromlist
                | ListOperationType::Ismemberoflist
        ) {
            return Err(ServiceError::new(
                codes::BAD_PARAMETER,
                format!("unknown listOperation {op}"),
            ));
        }
        // Resolve every key first, so strict mode can fail the call before changing anything.
        let mut resolved: Vec<Option<i32>> = Vec::with_capacity(members.len());
        for key in members {
            let id = match key.key_type {
                LeadKeyRef::Idnum => s
                    .resolve_lead_key(&key.key_type, &key.key_value)
                    .ok()
                    .and_then(|v| v.first().copied()),
                _ if strict => {
                    return Err(ServiceError::new(
                        codes::LEAD_KEY_BAD,
                        format!("listOperation takes IDNUM keys only, not {}", key.key_type),
                    ));
                }
                _ => None,
            };
            if strict && id.is_none() {
                return Err(ServiceError::new(
                    codes::LEAD_NOT_FOUND,
                    format!("no lead has IDNUM {}", key.key_value.trim()),
                ));
            }
            resolved.push(id);
        }
        let list_name = s
            .lists
            .get(&list_id)
            .map(|l| l.name.clone())
            .unwrap_or_default();
        let mut statuses = ArrayOfLeadStatus::new();
        let mut all = true;
        for (key, id) in members.iter().zip(resolved) {
            let ok = match (id, &op) {
                (None, _) => false,
                (Some(id), ListOperationType::Addtolist) => {
                    let added = s
                        .lists
                        .get_mut(&list_id)
                        .is_some_and(|l| l.members.insert(id));
                    if added {
                        s.log(
                            id,
                            now,
                            "Add to List",
                            &list_name,
                            vec![("List Name".to_owned(), list_name.clone())],
                            None,
                        );
                    }
                    true
                }
                (Some(id), ListOperationType::Removefromlist) => {
                    let removed = s
                        .lists
                        .get_mut(&list_id)
                        .is_some_and(|l| l.members.remove(&id));
                    if removed {
                        s.log(
                            id,
                            now,
                            "Remove from List",
                            &list_name,
                            vec![("List Name".to_owned(), list_name.clone())],
                            None,
                        );
                    }
                    removed
                }
                (Some(id), _) => s
                    .lists
                    .get(&list_id)
                    .is_some_and(|l| l.members.contains(&id)),
            };
            all &= ok;
            statuses.lead_status.push(LeadStatus::new(key.clone(), ok));
        }
        let mut r = ResultListOperation::new(all);
        r.status_list = Nillable::Value(statuses);
        Ok(SuccessListOperation::new(r))
    }

    // ------------------------------------------------------------ list imports

    fn import_to_list_op(
        &self,
        s: &mut Store,
        now: i64,
        p: ParamsImportToList,
    ) -> OpResult<SuccessImportToList> {
        let program = s
            .find_program(&p.program_name)
            .and_then(|id| s.programs.get(&id))
            .map(|p| p.name.clone())
            .ok_or_else(|| {
                ServiceError::new(
                    codes::LIST_NOT_FOUND,
                    format!("no program {:?}", p.program_name),
                )
            })?;
        let list_id = s.find_list_in(&program, &p.list_name).ok_or_else(|| {
            ServiceError::new(
                codes::LIST_NOT_FOUND,
                format!("no static list {:?} in program {program:?}", p.list_name),
            )
        })?;
        let campaign = match text(p.campaign_name.as_ref()) {
            Some(name) => Some(s.find_campaign(&program, name).ok_or_else(|| {
                ServiceError::new(
                    codes::CAMPAIGN_NOT_FOUND,
                    format!("no campaign {name:?} in program {program:?}"),
                )
            })?),
            None => None,
        };
        let listonly = match p.import_list_mode {
            ImportToListModeEnum::Upsertleads => false,
            ImportToListModeEnum::Listonly => true,
            ref other => {
                return Err(ServiceError::new(
                    codes::BAD_PARAMETER,
                    format!("unknown importListMode {other}"),
                ));
            }
        };

        enum Column {
            Field(String),
            Token(String),
            Ignored(String),
        }
        let header = crate::csv::parse_line(&p.import_file_header);
        let columns: Vec<Column> = header
            .iter()
            .map(|h| {
                let h = h.trim();
                if h.starts_with("{{") && h.ends_with("}}") {
                    Column::Token(h.to_owned())
                } else if let Some(f) = s.field_by_any_name(h) {
                    Column::Field(f.name.clone())
                } else {
                    Column::Ignored(h.to_owned())
                }
            })
            .collect();
        let has_tokens = columns.iter().any(|c| matches!(c, Column::Token(_)));
        if has_tokens && campaign.is_none() {
            return Err(ServiceError::new(
                codes::PARAMETER_REQUIRED,
                "campaignName is required when the file has token columns",
            ));
        }
        let email_col = columns
            .iter()
            .position(|c| matches!(c, Column::Field(f) if f == "Email"));

        let job_id = u32::try_from(s.imports.len() + 1).unwrap_or(u32::MAX);
        let rows = p.import_file_rows.string_item.len();
        let mut job = ImportJob {
            id: job_id,
            program_name: program.clone(),
            list_name: s
                .lists
                .get(&list_id)
                .map(|l| l.name.clone())
                .unwrap_or_default(),
            campaign_name: campaign
                .and_then(|c| s.campaigns.get(&c))
                .map(|c| c.name.clone()),
            status: ImportStatus::Processing,
            polls: 0,
            started_at: now,
            ended_at: None,
            rows: u32::try_from(rows).unwrap_or(u32::MAX),
            imported: 0,
            failed: 0,
            ignored: 0,
            summary: String::new(),
        };
        let Some(email_col) = email_col else {
            job.status = ImportStatus::Failed;
            job.ended_at = Some(now);
            job.failed = job.rows;
            job.summary =
                "the header has no email column (Email Address), so no row can be matched".into();
            s.imports.push(job);
            return Ok(SuccessImportToList::new(ResultImportToList::new(
                ImportToListStatusEnum::Failed,
            )));
        };
        if p.clear_list
            && let Some(l) = s.lists.get_mut(&list_id)
        {
            l.members.clear();
        }
        let list_name = job.list_name.clone();
        for row in &p.import_file_rows.string_item {
            let cells = crate::csv::parse_line(row);
            if cells.len() != columns.len() {
                job.failed += 1;
                continue;
            }
            let email = cells[email_col].trim();
            if email.is_empty() {
                job.failed += 1;
                continue;
            }
            let lead_id = if listonly {
                match s.leads_by_email(email).last() {
                    Some(&id) => id,
                    None => {
                        job.ignored += 1;
                        continue;
                    }
                }
            } else {
                let mut rec = LeadRecord::new();
                rec.email = Nillable::Value(email.to_owned());
                let mut attrs = ArrayOfAttribute::new();
                for (c, v) in columns.iter().zip(&cells) {
                    if let Column::Field(name) = c
                        && name != "Email"
                        && !v.trim().is_empty()
                    {
                        attrs.attribute.push(Attribute::new(name.clone(), v.trim()));
                    }
                }
                rec.lead_attribute_list = Nillable::Value(attrs);
                let opts = UpsertOptions {
                    dedup: true,
                    workspace: None,
                    cookie: None,
                    email_key_overwrites: false,
                    utc_offset_minutes: self.config.utc_offset_minutes,
                };
                match s.upsert_lead(&rec, opts, now) {
                    Ok((id, _)) => id,
                    Err(_) => {
                        job.failed += 1;
                        continue;
                    }
                }
            };
            let added = s
                .lists
                .get_mut(&list_id)
                .is_some_and(|l| l.members.insert(lead_id));
            if added {
                s.log(
                    lead_id,
                    now,
                    "Add to List",
                    &list_name,
                    vec![("List Name".to_owned(), list_name.clone())],
                    None,
                );
            }
            if let Some(c) = campaign {
                let tokens: BTreeMap<String, String> = columns
                    .iter()
                    .zip(&cells)
                    .filter_map(|(col, v)| match col {
                        // An empty cell sets nothing: that lead keeps the campaign's values.
                        Column::Token(t) if !v.is_empty() => Some((t.clone(), v.clone())),
                        _ => None,
                    })
                    .collect();
                if !tokens.is_empty() {
                    s.pending_lead_tokens
                        .entry(c)
                        .or_default()
                        .insert(lead_id, tokens);
                }
            }
            job.imported += 1;
        }
        let ignored_columns: Vec<&str> = columns
            .iter()
            .filter_map(|c| match c {
                Column::Ignored(n) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        job.summary = format!(
            "{} of {} rows imported, {} failed, {} ignored",
            job.imported, job.rows, job.failed, job.ignored
        );
        if !ignored_columns.is_empty() {
            job.summary.push_str(&format!(
                "; unknown columns ignored: {}",
                ignored_columns.join(", ")
            ));
        }
        s.imports.push(job);
        Ok(SuccessImportToList::new(ResultImportToList::new(
            ImportToListStatusEnum::Processing,
        )))
    }

    fn get_import_to_list_status_op(
        &self,
        s: &mut Store,
        now: i64,
        p: ParamsGetImportToListStatus,
    ) -> OpResult<SuccessGetImportToListStatus> {
        let (Some(program), Some(list)) =
            (text(p.program_name.as_ref()), text(p.list_name.as_ref()))
        else {
            return Err(ServiceError::new(
                codes::PARAMETER_REQUIRED,
                "programName and listName are required",
            ));
        };
        let polls_needed = self.config.import_processing_polls;
        let job = s
            .imports
            .iter_mut()
            .rev()
            .find(|j| {
                j.program_name.eq_ignore_ascii_case(program)
                    && j.list_name.eq_ignore_ascii_case(list)
            })
            .ok_or_else(|| {
                ServiceError::new(
                    codes::LIST_NOT_FOUND,
                    format!("no import into {list:?} of program {program:?}"),
                )
            })?;
        job.polls += 1;
        if job.status == ImportStatus::Processing && job.polls > polls_needed {
            job.status = ImportStatus::Complete;
            job.ended_at = Some(now);
        }
        let job = job.clone();
        let mut r = ResultGetImportToListStatus::new(match job.status {
            ImportStatus::Processing => ImportToListStatusEnum::Processing,
            ImportStatus::Complete => ImportToListStatusEnum::Complete,
            ImportStatus::Failed => ImportToListStatusEnum::Failed,
        });
        let done = job.status != ImportStatus::Processing;
        let n = |v: u32| Nillable::Value(i32::try_from(v).unwrap_or(i32::MAX));
        r.started_time = Nillable::Value(self.dt(job.started_at));
        r.ended_time = job
            .ended_at
            .map_or(Nillable::Nil, |t| Nillable::Value(self.dt(t)));
        r.estimated_time = Nillable::Nil;
        r.estimated_rows = n(job.rows);
        r.rows_imported = n(if done { job.imported } else { 0 });
        r.rows_failed = n(if done { job.failed } else { 0 });
        r.rows_ignored = n(if done { job.ignored } else { 0 });
        r.import_summary = if done {
            Nillable::Value(job.summary)
        } else {
            Nillable::Nil
        };
        Ok(SuccessGetImportToListStatus::new(r))
    }

    // -------------------------------------------------------------- campaigns

    /// Records a run of `campaign_id`: the effective tokens are the program's My Tokens
    /// overridden by the call's, and for leads with importToList values, those override both.
    /// Pending per-lead tokens of `token_campaign` are consumed (they apply to one run only).
    #[allow(clippy::too_many_arguments)]
    fn record_run(
        &self,
        s: &mut Store,
        now: i64,
        campaign_id: i32,
        token_campaign: i32,
        origin: RunOrigin,
        run_at: String,
        source: Option<String>,
        tokens: Vec<(String, String)>,
        mut lead_ids: Vec<i32>,
        cloned_program: Option<String>,
    ) -> OpResult<u32> {
        let Some(campaign) = s.campaigns.get(&campaign_id).cloned() else {
            return Err(ServiceError::new(
                codes::CAMPAIGN_NOT_FOUND,
                "campaign vanished",
            ));
        };
        let mut effective: BTreeMap<String, String> = s
            .find_program(&campaign.program)
            .and_then(|p| s.programs.get(&p))
            .map(|p| {
                p.tokens
                    .iter()
                    .map(|t| (t.name.clone(), t.value.clone()))
                    .collect()
            })
            .unwrap_or_default();
        for (k, v) in &tokens {
            effective.insert(k.clone(), v.clone());
        }
        let pending = s
            .pending_lead_tokens
            .remove(&token_campaign)
            .unwrap_or_default();
        let mut lead_tokens = BTreeMap::new();
        for (lead, values) in pending {
            if !s.leads.contains_key(&lead) {
                continue;
            }
            let mut per = effective.clone();
            per.extend(values);
            lead_tokens.insert(lead, per);
            if !lead_ids.contains(&lead) {
                lead_ids.push(lead);
            }
        }
        lead_ids.sort_unstable();
        let id = u32::try_from(s.runs.len() + 1).unwrap_or(u32::MAX);
        s.runs.push(CampaignRun {
            id,
            campaign_id,
            campaign_name: campaign.name.clone(),
            program_name: campaign.program.clone(),
            origin,
            run_at,
            requested_at: now,
            source,
            call_tokens: tokens,
            tokens: effective,
            lead_ids,
            lead_tokens,
            cloned_program,
        });
        Ok(id)
    }

    fn request_campaign_op(
        &self,
        s: &mut Store,
        now: i64,
        p: ParamsRequestCampaign,
    ) -> OpResult<SuccessRequestCampaign> {
        let sales = match p.source {
            ReqCampSourceType::Mktows => false,
            ReqCampSourceType::Sales => true,
            ref other => {
                return Err(ServiceError::new(
                    codes::BAD_PARAMETER,
                    format!("unknown source {other}"),
                ));
            }
        };
        let id = p.campaign_id.value().copied();
        let program = text(p.program_name.value());
        let name = text(p.campaign_name.value());
        let has_tokens = p
            .program_token_list
            .value()
            .is_some_and(|l| !l.attrib.is_empty());
        let campaign_id = match (id, program, name) {
            (Some(id), None, None) if !has_tokens => s.campaigns.get(&id).map(|c| c.id),
            (None, Some(program), Some(name)) => s.find_campaign(program, name),
            (None, None, None) => {
                return Err(ServiceError::new(
                    codes::PARAMETER_REQUIRED,
                    "give campaignId, or programName and campaignName",
                ));
            }
            _ => {
                return Err(ServiceError::new(
                    codes::BAD_PARAMETER_COMBINATION,
                    "give either campaignId alone, or programName and campaignName (with optional programTokenList)",
                ));
            }
        }
        .ok_or_else(|| ServiceError::new(codes::CAMPAIGN_NOT_FOUND, "no such campaign"))?;
        let campaign = s
            .campaigns
            .get(&campaign_id)
            .cloned()
            .ok_or_else(|| ServiceError::bare(codes::CAMPAIGN_NOT_FOUND))?;
        let requestable = campaign.kind == CampaignKind::Trigger
            && if sales {
                campaign.sales_requestable
            } else {
                campaign.requestable
            };
        if !requestable {
            return Err(ServiceError::new(
                codes::CAMPAIGN_NOT_FOUND,
                format!(
                    "campaign {:?} is not requestable from source {}",
                    campaign.name, p.source
                ),
            ));
        }
        let tokens = call_tokens(p.program_token_list.value())?;
        let mut leads = Vec::new();
        // At most 100 lead keys; the rest are ignored, as documented.
        for key in p
            .lead_list
            .value()
            .map(|l| l.lead_key.as_slice())
            .unwrap_or_default()
            .iter()
            .take(100)
        {
            for id in s.require_lead_key(&key.key_type, &key.key_value)? {
                if !leads.contains(&id) {
                    leads.push(id);
                }
            }
        }
        for &lead in &leads {
            s.log(
                lead,
                now,
                "Request Campaign",
                &campaign.name,
                vec![(
                    "Source".to_owned(),
                    if sales { "Sales" } else { "Web Service API" }.to_owned(),
                )],
                Some(campaign.name.clone()),
            );
        }
        self.record_run(
            s,
            now,
            campaign_id,
            campaign_id,
            RunOrigin::Requested,
            self.dt(now).to_string(),
            Some(p.source.to_string()),
            tokens,
            leads,
            None,
        )?;
        Ok(SuccessRequestCampaign::new(ResultRequestCampaign::new(
            true,
        )))
    }

    fn schedule_campaign_op(
        &self,
        s: &mut Store,
        now: i64,
        p: ParamsScheduleCampaign,
    ) -> OpResult<SuccessScheduleCampaign> {
        let program_id = s.find_program(&p.program_name).ok_or_else(|| {
            ServiceError::new(
                codes::CAMPAIGN_NOT_FOUND,
                format!("no program {:?}", p.program_name.trim()),
            )
        })?;
        let program = s
            .programs
            .get(&program_id)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let campaign_id = s.find_campaign(&program, &p.campaign_name).ok_or_else(|| {
            ServiceError::new(
                codes::CAMPAIGN_NOT_FOUND,
                format!(
                    "no campaign {:?} in program {program:?}",
                    p.campaign_name.trim()
                ),
            )
        })?;
        let campaign = s
            .campaigns
            .get(&campaign_id)
            .cloned()
            .ok_or_else(|| ServiceError::bare(codes::CAMPAIGN_NOT_FOUND))?;
        if campaign.kind != CampaignKind::Batch {
            return Err(ServiceError::new(
                codes::BAD_PARAMETER,
                format!(
                    "{:?} is a trigger campaign; only batch campaigns can be scheduled",
                    campaign.name
                ),
            ));
        }
        let run_at = match p.campaign_run_at.value() {
            Some(d) => {
                instant(d, "campaignRunAt")?;
                d.to_string()
            }
            None => self.dt(now).to_string(),
        };
        let tokens = call_tokens(p.program_token_list.value())?;

        let mut run_campaign = campaign_id;
        let mut cloned = None;
        if let Some(clone_name) = text(p.clone_to_program_name.as_ref()) {
            let day = quota_day(now);
            if s.clone_calls.0 != day {
                s.clone_calls = (day, 0);
            }
            let limit = self.config.clone_calls_per_day;
            if s.clone_calls.1 >= limit {
                return Err(ServiceError::new(
                    codes::BAD_PARAMETER_COMBINATION,
                    format!(
                        "cloneToProgramName may be used in at most {limit} scheduleCampaign calls a day"
                    ),
                ));
            }
            if s.find_program(clone_name).is_some() {
                return Err(ServiceError::new(
                    codes::BAD_PARAMETER,
                    format!("a program named {clone_name:?} already exists"),
                ));
            }
            let new_program = s
                .clone_program(program_id, clone_name, now)
                .ok_or_else(|| ServiceError::bare(codes::CAMPAIGN_NOT_FOUND))?;
            s.clone_calls.1 += 1;
            let new_name = s
                .programs
                .get(&new_program)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            run_campaign = s
                .find_campaign(&new_name, &campaign.name)
                .ok_or_else(|| ServiceError::bare(codes::CAMPAIGN_NOT_FOUND))?;
            cloned = Some(new_name);
        }
        let members: Vec<i32> = s
            .campaigns
            .get(&run_campaign)
            .and_then(|c| s.campaign_list(c))
            .and_then(|l| s.lists.get(&l))
            .map(|l| l.members.iter().copied().collect())
            .unwrap_or_default();
        self.record_run(
            s,
            now,
            run_campaign,
            campaign_id,
            RunOrigin::Scheduled,
            run_at,
            None,
            tokens,
            members,
            cloned,
        )?;
        Ok(SuccessScheduleCampaign::new(ResultScheduleCampaign::new(
            true,
        )))
    }

    fn get_campaigns_for_source_op(
        &self,
        s: &mut Store,
        p: ParamsGetCampaignsForSource,
    ) -> OpResult<SuccessGetCampaignsForSource> {
        let sales = match p.source {
            ReqCampSourceType::Mktows => false,
            ReqCampSourceType::Sales => true,
            ref other => {
                return Err(ServiceError::new(
                    codes::BAD_PARAMETER,
                    format!("unknown source {other}"),
                ));
            }
        };
        let name = text(p.name.value()).map(str::to_ascii_lowercase);
        let exact = p.exact_name.value().copied().unwrap_or(false);
        let mut found: Vec<(String, i32, String)> = s
            .campaigns
            .values()
            .filter(|c| {
                c.kind == CampaignKind::Trigger
                    && if sales {
                        c.sales_requestable
                    } else {
                        c.requestable
                    }
            })
            .map(|c| {
                (
                    format!("{}.{}", c.program, c.name),
                    c.id,
                    c.description.clone(),
                )
            })
            .filter(|(full, _, _)| match &name {
                None => true,
                Some(n) => {
                    let full = full.to_ascii_lowercase();
                    let short = full.rsplit('.').next().unwrap_or(&full).to_owned();
                    if exact {
                        full == *n || short == *n
                    } else {
                        full.contains(n.as_str())
                    }
                }
            })
            .collect();
        found.sort();
        let mut r = ResultGetCampaignsForSource::new(count(found.len()));
        if !found.is_empty() {
            let mut list = ArrayOfCampaignRecord::new();
            list.campaign_record = found
                .into_iter()
                .map(|(n, id, d)| CampaignRecord::new(id, n, d))
                .collect();
            r.campaign_record_list = Nillable::Value(list);
        }
        Ok(SuccessGetCampaignsForSource::new(r))
    }
}

/// A LastUpdateAtSelector-style window must run forwards and span at most 30 days.
fn window(oldest: i64, latest: i64) -> OpResult<()> {
    if latest < oldest {
        return Err(ServiceError::new(
            codes::BAD_PARAMETER,
            "latestUpdatedAt is before oldestUpdatedAt",
        ));
    }
    if latest - oldest > MAX_WINDOW_SECONDS {
        return Err(ServiceError::new(
            codes::TIME_RANGE,
            "oldestUpdatedAt and latestUpdatedAt are more than 30 days apart",
        ));
    }
    Ok(())
}

pub(crate) fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

// The object operations live in `objects.rs`; this macro wires every operation to the
// `Service` trait: lock the store, run, turn a `ServiceError` into its SOAP fault.
macro_rules! service {
    ($($method:ident($params:ty) -> $success:ty = |$this:ident, $s:ident, $h:ident, $now:ident, $p:ident| $body:expr;)*) => {
        impl Service for Engine {
            $(
                async fn $method(
                    &self,
                    headers: &RequestHeaders,
                    params: $params,
                ) -> Result<$success, SoapFault> {
                    let $this = self;
                    let _ = $this;
                    let $now = self.now();
                    let $h = headers;
                    let $p = params;
                    let mut guard = lock(&self.store);
                    let $s: &mut Store = &mut guard;
                    let result: OpResult<$success> = $body;
                    result.map_err(|e| e.to_fault())
                }
            )*
        }
    };
}

service! {
    get_lead(ParamsGetLead) -> SuccessGetLead = |e, s, _h, _now, p| e.get_lead_op(s, p);
    get_multiple_leads(ParamsGetMultipleLeads) -> SuccessGetMultipleLeads =
        |e, s, _h, now, p| e.get_multiple_leads_op(s, now, p);
    sync_lead(ParamsSyncLead) -> SuccessSyncLead = |e, s, h, now, p| e.sync_lead_op(s, h, now, p);
    sync_multiple_leads(ParamsSyncMultipleLeads) -> SuccessSyncMultipleLeads =
        |e, s, _h, now, p| e.sync_multiple_leads_op(s, now, p);
    merge_leads(ParamsMergeLeads) -> SuccessMergeLeads = |e, s, _h, now, p| e.merge_leads_op(s, now, p);
    get_lead_activity(ParamsGetLeadActivity) -> SuccessGetLeadActivity =
        |e, s, _h, _now, p| e.get_lead_activity_op(s, p);
    get_lead_changes(ParamsGetLeadChanges) -> SuccessGetLeadChanges =
        |e, s, _h, now, p| e.get_lead_changes_op(s, now, p);
    list_operation(ParamsListOperation) -> SuccessListOperation =
        |e, s, _h, now, p| e.list_operation_op(s, now, p);
    import_to_list(ParamsImportToList) -> SuccessImportToList =
        |e, s, _h, now, p| e.import_to_list_op(s, now, p);
    get_import_to_list_status(ParamsGetImportToListStatus) -> SuccessGetImportToListStatus =
        |e, s, _h, now, p| e.get_import_to_list_status_op(s, now, p);
    request_campaign(ParamsRequestCampaign) -> SuccessRequestCampaign =
        |e, s, _h, now, p| e.request_campaign_op(s, now, p);
    schedule_campaign(ParamsScheduleCampaign) -> SuccessScheduleCampaign =
        |e, s, _h, now, p| e.schedule_campaign_op(s, now, p);
    get_campaigns_for_source(ParamsGetCampaignsForSource) -> SuccessGetCampaignsForSource =
        |e, s, _h, _now, p| e.get_campaigns_for_source_op(s, p);
    list_m_objects(ParamsListMObjects) -> SuccessListMObjects =
        |e, _s, _h, _now, _p| Ok(crate::objects::list_m_objects());
    describe_m_object(ParamsDescribeMObject) -> SuccessDescribeMObject =
        |e, s, _h, now, p| crate::objects::describe_m_object(s, e.dt(now), p);
    get_m_objects(ParamsGetMObjects) -> SuccessGetMObjects =
        |e, s, _h, _now, p| crate::objects::get_m_objects(s, &|t| e.dt(t), p);
    sync_m_objects(ParamsSyncMObjects) -> SuccessSyncMObjects =
        |e, s, _h, now, p| crate::objects::sync_m_objects(s, now, p);
    delete_m_objects(ParamsDeleteMObjects) -> SuccessDeleteMObjects =
        |e, s, _h, _now, p| crate::objects::delete_m_objects(s, p);
    get_custom_objects(ParamsGetCustomObjects) -> SuccessGetCustomObjects =
        |e, s, _h, _now, p| crate::objects::get_custom_objects(s, p);
    sync_custom_objects(ParamsSyncCustomObjects) -> SuccessSyncCustomObjects =
        |e, s, _h, _now, p| crate::objects::sync_custom_objects(s, p);
    delete_custom_objects(ParamsDeleteCustomObjects) -> SuccessDeleteCustomObjects =
        |e, s, _h, _now, p| crate::objects::delete_custom_objects(s, p);
    get_channels(ParamsGetChannels) -> SuccessGetChannels =
        |e, s, _h, _now, p| crate::objects::get_channels(s, p);
    get_tags(ParamsGetTags) -> SuccessGetTags = |e, s, _h, _now, p| crate::objects::get_tags(s, p);
}

/// Helpers shared with `objects.rs`.
pub(crate) mod shared {
    pub(crate) use super::{OpResult, attribs, attributes, bad_position, batch_size, count};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_names_are_checked_without_panicking() {
        let list = |n: &str| {
            let mut a = ArrayOfAttrib::new();
            a.attrib = vec![Attrib::new(n, "v")];
            a
        };
        assert_eq!(
            call_tokens(Some(&list(" {{my.other token}} "))).expect("valid"),
            [("{{my.other token}}".to_owned(), "v".to_owned())]
        );
        for bad in [
            "€€€€€€€€",
            "{{my€.x}}",
            "{{my.  }}",
            "message",
            "{{my.x",
            "{{MY.x}",
        ] {
            assert_eq!(call_tokens(Some(&list(bad))).expect_err(bad).code, 20110);
        }
    }

    #[test]
    fn every_activity_type_has_a_display_name() {
        assert_eq!(known_activity_names().len(), 57);
        assert!(known_activity_names().contains("add to list"));
    }
}
