//! Serving the WSDL at `<endpoint>?WSDL`, with `soap:address` pointing at this emulator.

/// The project's WSDL (`wsdl/mktows.wsdl`), the one the generated crate comes from.
pub const WSDL: &str = include_str!("../../wsdl/mktows.wsdl");

/// The WSDL with the `location` of every `soap:address` (any prefix) replaced by `endpoint`.
/// Stock clients (PHP SoapClient, zeep) call the address the WSDL names, so it must be ours.
pub fn with_location(endpoint: &str) -> String {
    let mut out = String::with_capacity(WSDL.len() + endpoint.len());
    let mut rest = WSDL;
    const MARK: &str = ":address location=\"";
    while let Some(i) = rest.find(MARK) {
        let value_start = i + MARK.len();
        let Some(len) = rest[value_start..].find('"') else {
            break;
        };
        out.push_str(&rest[..value_start]);
        for c in endpoint.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '"' => out.push_str("&quot;"),
                c => out.push(c),
            }
        }
        rest = &rest[value_start + len..];
    }
    out.push_str(rest);
    out
}

/// Whether a query string asks for the WSDL (`?WSDL`, `?wsdl`, `?wsdl=1`, `?a=b&WSDL`).
pub(crate) fn wants_wsdl(query: Option<&str>) -> bool {
    query.is_some_and(|q| {
        q.split('&').any(|p| {
            p.split('=')
                .next()
                .is_some_and(|k| k.eq_ignore_ascii_case("wsdl"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_the_address() {
        let w = with_location("http://127.0.0.1:4321/soap/mktows/2_3");
        assert!(w.contains("location=\"http://127.0.0.1:4321/soap/mktows/2_3\""));
        assert!(!w.contains("127.0.0.1:8080"));
        assert_eq!(w.matches(":address location=").count(), 1);
    }

    #[test]
    fn wsdl_query() {
        assert!(wants_wsdl(Some("WSDL")));
        assert!(wants_wsdl(Some("wsdl=1")));
        assert!(wants_wsdl(Some("x=1&Wsdl")));
        assert!(!wants_wsdl(Some("xsd=1")));
        assert!(!wants_wsdl(None));
    }
}
