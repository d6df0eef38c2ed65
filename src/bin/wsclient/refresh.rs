//! `wsclient refresh`: downloads a live WSDL and the files it imports, compares it with the
//! cached copy the way the generator reads both, and saves it in place of the cached copy.

use std::collections::VecDeque;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use wsclient_build::inspect;

use crate::diff::diff;
use crate::services::{self, Message};

const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
const XS_NS: &str = "http://www.w3.org/2001/XMLSchema";
/// The most files one description may pull in.
const MAX_FILES: usize = 64;
/// The largest file accepted.
const MAX_BYTES: usize = 16 * 1024 * 1024;

/// A downloaded file, with its imports pointing at the local names.
struct Fetched {
    url: Url,
    name: String,
    text: String,
}

async fn fetch(client: &reqwest::Client, url: &Url) -> Result<String, Box<dyn Error>> {
    let response = client.get(url.clone()).send().await?;
    let status = response.status();
    if !status.is_success() {
        return Err(Box::new(Message(format!("{url} answered HTTP {status}"))));
    }
    let bytes = response.bytes().await?;
    if bytes.len() > MAX_BYTES {
        return Err(Box::new(Message(format!(
            "{url} is larger than {MAX_BYTES} bytes"
        ))));
    }
    let text = wsclient::xml::decode_document(&bytes)
        .map_err(|e| Message(format!("{url} is not an XML document: {e}")))?;
    Ok(text.into_owned())
}

/// The import and include locations of a document: (byte range of the value, value, is a schema).
fn imports(url: &Url, text: &str) -> Result<Vec<(std::ops::Range<usize>, String, bool)>, Message> {
    let doc = roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .map_err(|e| Message(format!("{url} is not well-formed XML: {e}")))?;
    let mut out = Vec::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name();
        let (attr, schema) = match (tag.namespace(), tag.name()) {
            (Some(WSDL_NS), "import") => ("location", false),
            (Some(XS_NS), "import" | "include" | "redefine") => ("schemaLocation", true),
            _ => continue,
        };
        if let Some(a) = node
            .attributes()
            .find(|a| a.name() == attr && a.namespace().is_none())
        {
            out.push((a.range_value(), a.value().to_owned(), schema));
        }
    }
    Ok(out)
}

/// Downloads `url` and everything it imports; imports are renamed to files next to `main_name`.
async fn download(url: Url, main_name: &str) -> Result<Vec<Fetched>, Box<dyn Error>> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(10))
        .build()?;
    let stem = main_name.split('.').next().unwrap_or("service").to_owned();
    let mut done: Vec<Fetched> = Vec::new();
    let mut queue = VecDeque::from([(url, main_name.to_owned())]);
    let mut names: Vec<(Url, String)> = Vec::new();
    while let Some((url, name)) = queue.pop_front() {
        eprintln!("Downloading {url}");
        let text = fetch(&client, &url).await?;
        if done.is_empty() {
            let doc = roxmltree::Document::parse(&text)
                .map_err(|e| Message(format!("{url} is not well-formed XML: {e}")))?;
            let root = doc.root_element().tag_name();
            if root.namespace() != Some(WSDL_NS) || root.name() != "definitions" {
                return Err(Box::new(Message(format!(
                    "{url} is not a WSDL 1.1 document (its root element is {})",
                    root.name()
                ))));
            }
        }
        let mut rewritten = text.clone();
        let mut found = imports(&url, &text)?;
        found.sort_by_key(|(range, _, _)| std::cmp::Reverse(range.start));
        for (range, location, schema) in found {
            let target = url
                .join(&location)
                .map_err(|e| Message(format!("{url}: bad import location {location:?}: {e}")))?;
            let local = match names.iter().find(|(u, _)| *u == target) {
                Some((_, n)) => n.clone(),
                None => {
                    let n = format!(
                        "{stem}.import{}.{}",
                        names.len() + 1,
                        if schema { "xsd" } else { "wsdl" }
                    );
                    names.push((target.clone(), n.clone()));
                    if names.len() + 1 > MAX_FILES {
                        return Err(Box::new(Message(format!(
                            "{url} imports more than {MAX_FILES} files"
                        ))));
                    }
                    queue.push_back((target, n.clone()));
                    n
                }
            };
            rewritten.replace_range(range, &local);
        }
        done.push(Fetched {
            url,
            name,
            text: rewritten,
        });
    }
    Ok(done)
}

fn write_all(dir: &Path, files: &[Fetched]) -> Result<(), Box<dyn Error>> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Message(format!("cannot create {}: {e}", dir.display())))?;
    for f in files {
        let path = dir.join(&f.name);
        std::fs::write(&path, &f.text)
            .map_err(|e| Message(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}

struct Staging(PathBuf);

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn run(
    service: &str,
    from: &str,
    wsdl_dir: &Path,
    check: bool,
) -> Result<(), Box<dyn Error>> {
    let service = services::find(service)?;
    let url =
        Url::parse(from).map_err(|e| Message(format!("--from {from:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Box::new(Message(format!(
            "--from must be an http or https URL, not {from:?}"
        ))));
    }
    let cached = wsdl_dir.join(service.wsdl.path);
    let main_name = cached
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "service.wsdl".into());
    let files = download(url.clone(), &main_name).await?;

    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let staging = Staging(
        std::env::temp_dir().join(format!("wsclient-refresh-{}-{nanos}", std::process::id())),
    );
    let new_dir = staging.0.join("new");
    write_all(&new_dir, &files)?;
    let new = inspect::describe_wsdl(&new_dir.join(&main_name))
        .map_err(|e| Message(format!("the downloaded WSDL cannot be used: {e}")))?;

    let old = if cached.exists() {
        inspect::describe_wsdl(&cached).map_err(|e| {
            Message(format!(
                "the cached {} cannot be read: {e}",
                cached.display()
            ))
        })?
    } else {
        eprintln!(
            "No cached copy at {}: comparing with the copy built into this tool.",
            cached.display()
        );
        let old_dir = staging.0.join("old");
        std::fs::create_dir_all(&old_dir)?;
        let path = old_dir.join(&main_name);
        std::fs::write(&path, service.wsdl.text)?;
        inspect::describe_wsdl(&path)?
    };

    let changes = diff(&old, &new);
    let shared = old
        .operations
        .iter()
        .any(|o| new.operations.iter().any(|n| n.name == o.name));
    if !old.operations.is_empty() && !shared {
        eprintln!(
            "warning: the downloaded WSDL has none of the operations of {}: is {url} the right URL?",
            service.name
        );
    }
    if changes.is_empty() {
        out!("No changes in operations, types, fields or enumeration values.");
    } else {
        out!(
            "Changes in {} (wsdl/{}) from the cached copy to {url}:",
            service.name,
            service.wsdl.path
        );
        for c in &changes {
            out!(
                "  {:9} {}",
                if c.breaking { "BREAKING" } else { "" },
                c.text
            );
        }
        let breaking = changes.iter().filter(|c| c.breaking).count();
        out!(
            "{} change{}, {breaking} breaking existing callers.",
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        );
    }
    for w in &new.warnings {
        eprintln!("note: {w}");
    }
    if check {
        eprintln!("--check: nothing written.");
        return Ok(());
    }
    let target_dir = cached
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| wsdl_dir.to_path_buf());
    write_all(&target_dir, &files)?;
    for f in &files {
        eprintln!(
            "Saved {} (from {})",
            target_dir.join(&f.name).display(),
            f.url
        );
    }
    eprintln!("Rebuild (cargo build) to regenerate the code from it.");
    Ok(())
}
