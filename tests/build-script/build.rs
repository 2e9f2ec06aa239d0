//! Generates the bindings at build time, as a user regenerating from their instance's
//! `?WSDL` would.

fn main() {
    // A user would point at their own copy, e.g. "wsdl/my-instance.wsdl".
    if let Err(e) = mktows_codegen::Builder::new("../../wsdl/mktows.wsdl").compile() {
        // One located line, then a failed build: build scripts report through their exit status.
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
