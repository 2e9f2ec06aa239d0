//! Stream positions: opaque tokens the emulator issues and later resolves.
//!
//! A token names a cursor (the query of the stream plus the last record returned), never a
//! numeric offset into a changing result. Records are read in a fixed order (ascending id, or
//! descending for activity history), and each page starts strictly after the last record of the
//! page before, so no record is returned twice or skipped across pages, whatever is written in
//! between. Tokens are kept in a bounded table; an unknown (tampered, foreign or evicted) token
//! is a Bad Stream Position (20122).

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, RandomState};

use base64::Engine as _;

/// What a getMultipleLeads stream selects.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum LeadQuery {
    /// These lead ids (from a LeadKeySelector, resolved when the stream started).
    Ids(Vec<i32>),
    /// Members of a static list.
    List(i32),
    /// Leads updated within `[oldest, latest]` (seconds).
    UpdatedBetween { oldest: i64, latest: i64 },
}

/// The activity filter of an activity stream: display names, lowercase.
#[derive(Clone, Debug, PartialEq, Default)]
pub(crate) struct TypeFilter {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl TypeFilter {
    pub(crate) fn accepts(&self, activity_type: &str) -> bool {
        let t = activity_type.to_ascii_lowercase();
        (self.include.is_empty() || self.include.contains(&t)) && !self.exclude.contains(&t)
    }
}

/// What getLeadChanges reads.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ChangesQuery {
    pub filter: TypeFilter,
    pub oldest: Option<i64>,
    pub latest: Option<i64>,
    /// Only these leads, when a selector was given.
    pub leads: Option<LeadSet>,
}

/// A set of leads a change stream is restricted to.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum LeadSet {
    Ids(Vec<i32>),
    List(i32),
}

/// What getMObjects reads: every object of the type that matches, in id order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct MObjectQuery {
    pub params: mktows::ParamsGetMObjects,
}

/// A cursor: a query and where the next page starts.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cursor {
    Leads {
        query: LeadQuery,
        include: Option<Vec<String>>,
        after_id: i32,
    },
    /// Newest first.
    Activity {
        lead_id: i32,
        filter: TypeFilter,
        before_id: i32,
        at_end: bool,
    },
    Changes {
        query: ChangesQuery,
        after_id: i32,
    },
    MObjects {
        query: Box<MObjectQuery>,
        after_id: i32,
    },
    CustomObjects {
        type_name: String,
        keys: Vec<(String, String)>,
        include: Vec<String>,
        after_seq: u64,
    },
}

/// The table of issued tokens.
#[derive(Debug)]
pub(crate) struct Positions {
    map: HashMap<String, Cursor>,
    order: VecDeque<String>,
    counter: u64,
    cap: usize,
    salt: RandomState,
}

impl Positions {
    pub(crate) fn new(cap: usize) -> Self {
        Positions {
            map: HashMap::new(),
            order: VecDeque::new(),
            counter: 0,
            cap: cap.max(1),
            salt: RandomState::new(),
        }
    }

    /// Issues a new token for `cursor`. The token is `<kind>:` and base64 of a counter and a
    /// per-instance hash, so tokens of one instance never repeat and cannot be guessed from
    /// another instance's; its `+`, `/` and `=` characters also check that clients echo it
    /// unchanged.
    pub(crate) fn issue(&mut self, cursor: Cursor) -> String {
        self.counter += 1;
        let mut bytes = Vec::with_capacity(17);
        bytes.extend_from_slice(&self.counter.to_be_bytes());
        bytes.extend_from_slice(&self.salt.hash_one(self.counter).to_be_bytes());
        bytes.push(0xfb);
        let kind = match cursor {
            Cursor::Leads { .. } => "ML",
            Cursor::Activity { .. } => "LA",
            Cursor::Changes { .. } => "LC",
            Cursor::MObjects { .. } => "MO",
            Cursor::CustomObjects { .. } => "CO",
        };
        let token = format!(
            "{kind}:{}",
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        );
        if self.order.len() >= self.cap
            && let Some(old) = self.order.pop_front()
        {
            self.map.remove(&old);
        }
        self.order.push_back(token.clone());
        self.map.insert(token.clone(), cursor);
        token
    }

    /// The cursor a token stands for. Tokens stay valid after use, so a client may repeat a
    /// page request (e.g. after a timeout) and get the same page.
    pub(crate) fn get(&self, token: &str) -> Option<&Cursor> {
        self.map.get(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_bounded() {
        let mut p = Positions::new(2);
        let c = Cursor::Leads {
            query: LeadQuery::List(1),
            include: None,
            after_id: 5,
        };
        let a = p.issue(c.clone());
        let b = p.issue(c.clone());
        assert_ne!(a, b);
        assert!(a.starts_with("ML:"));
        assert_eq!(p.get(&a), Some(&c));
        let _ = p.issue(c);
        assert_eq!(p.get(&a), None, "oldest evicted");
        assert!(p.get(&b).is_some());
        assert_eq!(p.get("ML:forged"), None);
    }
}
