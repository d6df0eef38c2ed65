//! The generator's error: always names the file, the element and the construct.

use std::path::{Path, PathBuf};

/// A WSDL or schema the generator cannot turn into code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("{}: {source}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A construct in a file cannot be handled.
    #[error("{}: {element}: {construct}: {message}", file.display())]
    Unsupported {
        /// The file.
        file: PathBuf,
        /// Where in the file (element and line).
        element: String,
        /// The construct (e.g. `wsdl:import`, `xs:element type=`).
        construct: String,
        /// What is wrong.
        message: String,
    },
    /// The output could not be written.
    #[error("cannot write {}: {source}", file.display())]
    Output {
        /// The output file.
        file: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn io(file: &Path, source: std::io::Error) -> Self {
        Error::Io {
            file: file.to_owned(),
            source,
        }
    }

    pub(crate) fn at(
        file: &Path,
        element: impl Into<String>,
        construct: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Unsupported {
            file: file.to_owned(),
            element: element.into(),
            construct: construct.into(),
            message: message.into(),
        }
    }
}
