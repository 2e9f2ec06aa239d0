//! Rust names for XML names: the only place names are made.
//!
//! Every name goes through a [`Scope`], which turns the XML name into a valid identifier
//! (case, characters, keywords) and resolves collisions deterministically: the first name
//! claimed keeps its spelling, later ones get a numeric suffix, and each adjustment is reported.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::HashSet;

/// Rust keywords (strict and reserved, all editions up to 2024).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore instead.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A Rust identifier: the bare name and whether it must be written raw (`r#type`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RustName {
    /// The identifier without any `r#`.
    pub name: String,
    /// Whether it is a keyword written as a raw identifier.
    pub raw: bool,
}

impl RustName {
    /// `r#type` or `name`, as it appears in source.
    pub fn display(&self) -> String {
        if self.raw {
            format!("r#{}", self.name)
        } else {
            self.name.clone()
        }
    }
}

/// The case a name takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Types and variants: `UpperCamelCase`.
    Type,
    /// Fields, methods, parameters: `snake_case`.
    Value,
    /// Constants: `SHOUTY_SNAKE_CASE`.
    Const,
}

/// Splits words on anything that cannot be in an identifier, so heck sees clean words.
fn words(xml: &str) -> String {
    xml.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
}

/// The identifier for `xml` in `case`, before collision handling. Always a valid identifier.
pub fn convert(xml: &str, case: Case) -> RustName {
    let w = words(xml);
    let mut name = match case {
        Case::Type => w.to_upper_camel_case(),
        Case::Value => w.to_snake_case(),
        Case::Const => w.to_shouty_snake_case(),
    };
    if name.is_empty() {
        name = match case {
            Case::Type => "Empty".to_owned(),
            Case::Value => "empty".to_owned(),
            Case::Const => "EMPTY".to_owned(),
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(
            0,
            match case {
                Case::Type => "V",
                Case::Value => "v_",
                Case::Const => "V_",
            },
        );
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
        RustName { name, raw: false }
    } else {
        let raw = KEYWORDS.contains(&name.as_str());
        RustName { name, raw }
    }
}

/// One namespace of Rust names (the crate's types, one struct's fields, one enum's variants...).
#[derive(Debug, Default)]
pub struct Scope {
    taken: HashSet<String>,
    /// Human-readable notes about names that had to change because of a collision.
    pub notes: Vec<String>,
    what: String,
}

impl Scope {
    /// A scope named `what` in notes (e.g. "type names", "fields of `LeadRecord`").
    pub fn new(what: impl Into<String>) -> Self {
        Scope {
            what: what.into(),
            ..Scope::default()
        }
    }

    /// Marks names the generated code itself uses in this scope.
    pub fn reserve(&mut self, names: &[&str]) {
        self.taken.extend(names.iter().map(|n| (*n).to_owned()));
    }

    /// Whether `name` is already taken.
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Claims the name for `xml` in `case`; on collision appends the smallest free number
    /// (`_2` after snake names, `2` after camel ones) and records a note.
    pub fn claim(&mut self, xml: &str, case: Case) -> RustName {
        let wanted = convert(xml, case);
        if self.taken.insert(wanted.name.clone()) {
            return wanted;
        }
        // `id` → `id_2`, `Client` → `Client2`; a name already ending in `_` (`self_`) → `self_2`.
        let sep = if case == Case::Type || wanted.name.ends_with('_') {
            ""
        } else {
            "_"
        };
        let mut n = 2u32;
        loop {
            let candidate = format!("{}{sep}{n}", wanted.name);
            if self.taken.insert(candidate.clone()) {
                self.notes.push(format!(
                    "{}: `{xml}` would be `{}`, which is taken; using `{candidate}`",
                    self.what,
                    wanted.display()
                ));
                return RustName {
                    name: candidate,
                    raw: false,
                };
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_case_and_escapes_keywords() {
        assert_eq!(convert("type", Case::Value).display(), "r#type");
        assert_eq!(convert("self", Case::Value).display(), "self_");
        assert_eq!(convert("Self", Case::Type).display(), "Self_");
        assert_eq!(
            convert("ForeignSysPersonId", Case::Value).display(),
            "foreign_sys_person_id"
        );
        assert_eq!(
            convert("getMObjects", Case::Value).display(),
            "get_m_objects"
        );
        assert_eq!(convert("leadKey", Case::Type).display(), "LeadKey");
        assert_eq!(
            convert("Visit Webpage", Case::Type).display(),
            "VisitWebpage"
        );
        assert_eq!(convert("IDNUM", Case::Type).display(), "Idnum");
        assert_eq!(convert("2fa", Case::Type).display(), "V2fa");
        assert_eq!(convert("2fa", Case::Value).display(), "v_2fa");
        assert_eq!(convert("", Case::Type).display(), "Empty");
        assert_eq!(convert("é-x", Case::Value).display(), "x");
        assert_eq!(
            convert("scheduleCampaign", Case::Const).display(),
            "SCHEDULE_CAMPAIGN"
        );
    }

    #[test]
    fn collisions_get_numbered_and_reported() {
        let mut scope = Scope::new("fields of `LeadRecord`");
        assert_eq!(scope.claim("Id", Case::Value).display(), "id");
        assert_eq!(scope.claim("id", Case::Value).display(), "id_2");
        assert_eq!(scope.claim("ID", Case::Value).display(), "id_3");
        assert_eq!(scope.notes.len(), 2);
        assert!(
            scope.notes[0].contains("`id` would be `id`"),
            "{:?}",
            scope.notes
        );

        let mut keywords = Scope::new("fields");
        assert_eq!(keywords.claim("self", Case::Value).display(), "self_");
        assert_eq!(keywords.claim("self_", Case::Value).display(), "self_2");

        let mut types = Scope::new("type names");
        types.reserve(&["Client"]);
        assert_eq!(types.claim("Client", Case::Type).display(), "Client2");
        assert_eq!(types.claim("ListKey", Case::Type).display(), "ListKey");
        assert_eq!(
            types.claim("ListKeyType", Case::Type).display(),
            "ListKeyType"
        );
        assert_eq!(types.claim("listKey", Case::Type).display(), "ListKey2");
    }
}
