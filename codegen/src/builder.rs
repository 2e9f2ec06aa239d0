//! Build-script use, in the manner of `prost-build`.

use crate::{Error, Options, Result, Target, generate_file_with};
use std::path::{Path, PathBuf};

/// Generates bindings from a WSDL at build time into `OUT_DIR`.
///
/// In `build.rs` (`main`):
///
/// ```no_run
/// mktows_codegen::Builder::new("wsdl/mktows.wsdl")
///     .compile()
///     .unwrap_or_else(|e| panic!("{e}"));
/// ```
///
/// and in the crate: `pub mod mktows { include!(concat!(env!("OUT_DIR"), "/mktows.rs")); }`.
///
/// The generated file uses no inner attributes, so it can be `include!`d in any module. The
/// including crate needs `mktows-runtime` as a dependency.
#[derive(Debug, Clone)]
pub struct Builder {
    wsdl: PathBuf,
    out_dir: Option<PathBuf>,
    file_name: String,
    proptest: bool,
}

impl Builder {
    /// Generation from the WSDL at `wsdl` (relative paths are relative to the package root,
    /// where cargo runs build scripts).
    pub fn new(wsdl: impl AsRef<Path>) -> Self {
        Builder {
            wsdl: wsdl.as_ref().to_path_buf(),
            out_dir: None,
            file_name: "mktows.rs".to_owned(),
            proptest: false,
        }
    }

    /// Writes into `dir` instead of `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.out_dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Names the output file (default `mktows.rs`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// Also emits proptest `Arbitrary` impls behind the including crate's `proptest` feature.
    pub fn proptest(mut self, enabled: bool) -> Self {
        self.proptest = enabled;
        self
    }

    /// Generates, writes the file, prints `cargo:rerun-if-changed` for the WSDL and any
    /// collision notes as `cargo:warning`s, and returns the path written.
    pub fn compile(self) -> Result<PathBuf> {
        let file = self.wsdl.display().to_string();
        let out_dir = match self.out_dir {
            Some(dir) => dir,
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::file(
                        &file,
                        "OUT_DIR is not set (not running in build.rs?); use Builder::out_dir",
                    )
                })?,
        };
        println!("cargo:rerun-if-changed={}", self.wsdl.display());
        let generated = generate_file_with(
            &self.wsdl,
            Options {
                target: Target::Include,
                proptest: self.proptest,
            },
        )?;
        for note in &generated.notes {
            println!("cargo:warning=mktows-codegen: {note}");
        }
        let path = out_dir.join(&self.file_name);
        std::fs::write(&path, generated.code)
            .map_err(|e| Error::file(&path.display().to_string(), format!("cannot write: {e}")))?;
        Ok(path)
    }
}
