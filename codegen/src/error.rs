//! The one error type of the code generator: a located, one-line message.

use std::fmt;

/// A position in the WSDL file, 1-based, as editors count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line, starting at 1.
    pub line: u32,
    /// Column (in characters), starting at 1.
    pub column: u32,
}

/// Longest message `Display` prints, in characters.
const MAX_MESSAGE_CHARS: usize = 400;

/// Why generation failed. `Display` is one line: `file:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file being read, as given by the user.
    pub file: String,
    /// Where in the file, when the fault has a place (I/O errors have none).
    pub pos: Option<Pos>,
    /// What is wrong and, where it helps, what was expected.
    pub message: String,
}

impl Error {
    /// An error at a place in `file`.
    pub fn at(file: &str, pos: Pos, message: impl Into<String>) -> Self {
        Error {
            file: file.to_owned(),
            pos: Some(pos),
            message: message.into(),
        }
    }

    /// An error about `file` as a whole.
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Error {
            file: file.to_owned(),
            pos: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Newlines inside a message would break the one-line promise (and grep-ability), and a
        // hostile file with a megabyte-long name must not give a megabyte-long line.
        let mut message = self.message.replace(['\n', '\r'], " ");
        let count = message.chars().count();
        if count > MAX_MESSAGE_CHARS {
            // Cut the middle (usually the long name) and keep the end, which says what is wrong.
            let head: String = message.chars().take(MAX_MESSAGE_CHARS / 2).collect();
            let tail: String = message
                .chars()
                .skip(count - MAX_MESSAGE_CHARS / 2)
                .collect();
            message = format!("{head}…{tail}");
        }
        match self.pos {
            Some(p) => write!(f, "{}:{}:{}: {}", self.file, p.line, p.column, message),
            None => write!(f, "{}: {}", self.file, message),
        }
    }
}

impl std::error::Error for Error {}

/// Result alias used throughout the generator.
pub type Result<T> = std::result::Result<T, Error>;
