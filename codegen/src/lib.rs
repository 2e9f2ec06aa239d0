//! `mktows-codegen`: turns a Marketo SOAP ("mktows") WSDL into typed Rust.
//!
//! The pipeline is one-way: [`parse`] reads the WSDL into plain syntax data, [`model`] resolves
//! it into a type space with every Rust name chosen (through [`names`]), and [`render`] turns the
//! model into formatted source. Generated code depends only on the `mktows-runtime` crate.
//!
//! Use the CLI (`codegen generate --wsdl FILE --out DIR`) for a checked-in crate, or
//! [`Builder`] from a `build.rs`.

pub mod error;
pub mod model;
pub mod names;
pub mod parse;
pub mod render;

mod builder;

pub use builder::Builder;
pub use error::{Error, Result};
pub use render::{Options, Target};

use std::path::Path;

/// Largest WSDL file read (the mktows WSDL is about 0.1 MiB); guards against `/dev/zero`.
pub const MAX_WSDL_BYTES: u64 = 64 << 20;

/// The result of a generation run.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Formatted Rust source.
    pub code: String,
    /// Names that were adjusted to avoid collisions, for the user to see.
    pub notes: Vec<String>,
}

/// Generates Rust source from WSDL bytes. `file` names the input in errors and in the output's
/// header; pass what the user gave.
pub fn generate(file: &str, bytes: &[u8], target: Target) -> Result<Generated> {
    generate_with(file, bytes, Options::new(target))
}

/// [`generate`] with [`Options`].
pub fn generate_with(file: &str, bytes: &[u8], options: Options) -> Result<Generated> {
    let wsdl = parse::parse_wsdl_bytes(file, bytes)?;
    let model = model::build(file, &wsdl)?;
    let source_name = Path::new(file)
        .file_name()
        .map_or_else(|| file.to_owned(), |n| n.to_string_lossy().into_owned());
    let code = render::render(&model, options, &source_name).map_err(|m| Error::file(file, m))?;
    Ok(Generated {
        code,
        notes: model.notes,
    })
}

/// Reads `path` and generates Rust source from it.
pub fn generate_file(path: &Path, target: Target) -> Result<Generated> {
    generate_file_with(path, Options::new(target))
}

/// [`generate_file`] with [`Options`].
pub fn generate_file_with(path: &Path, options: Options) -> Result<Generated> {
    use std::io::Read;
    let file = path.display().to_string();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_WSDL_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Error::file(&file, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_WSDL_BYTES {
        return Err(Error::file(
            &file,
            format!(
                "larger than {} MiB; not a WSDL this generator will read",
                MAX_WSDL_BYTES >> 20
            ),
        ));
    }
    generate_with(&file, &bytes, options)
}
