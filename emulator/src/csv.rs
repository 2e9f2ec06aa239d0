//! The CSV of importToList: one header line and one line per lead, RFC 4180 quoting.

/// Splits one CSV line into fields. Quoted fields may contain commas and doubled quotes
/// (`"a ""b"", c"` → `a "b", c`); a stray quote inside an unquoted field is kept as text, and an
/// unterminated quoted field runs to the end of the line (never an error: a bad row is just a
/// failed row).
pub(crate) fn parse_line(line: &str) -> Vec<String> {
    let line = line.trim_end_matches(['\r', '\n']);
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                at_start = true;
            }
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::parse_line;

    #[test]
    fn splits_and_unquotes() {
        assert_eq!(parse_line("a,b,,c"), ["a", "b", "", "c"]);
        assert_eq!(
            parse_line(r#""x, y","say ""hi""",z"#),
            ["x, y", r#"say "hi""#, "z"]
        );
        assert_eq!(parse_line("{{my.token}},v\r\n"), ["{{my.token}}", "v"]);
        assert_eq!(parse_line(r#"a"b,"open"#), [r#"a"b"#, "open"]);
        assert_eq!(parse_line(""), [""]);
    }
}
