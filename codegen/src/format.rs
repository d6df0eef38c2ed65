//! Formats the generated tokens as Rust source: `syn` parses them and `prettyplease` prints
//! them. Both take most of the generator's time on a large WSDL, so a large module is cut into
//! runs of whole items that are parsed and printed on several threads. Tokens cannot cross
//! threads but their text can; the printed text is the same as in one piece, since
//! `prettyplease` prints each item on its own.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Below this many top-level token trees a module is formatted on the calling thread.
const PARALLEL_ABOVE: usize = 20_000;

/// The module's source text, or the parse error (which would be a bug of the generator).
pub(crate) fn format(tokens: TokenStream) -> Result<String, String> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(4);
    format_with(tokens, threads, PARALLEL_ABOVE)
}

fn format_with(
    tokens: TokenStream,
    threads: usize,
    parallel_above: usize,
) -> Result<String, String> {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    if threads <= 1 || trees.len() < parallel_above {
        return format_one(trees.into_iter().collect());
    }
    let items = split_items(trees);
    let texts: Vec<String> = chunks(items, threads)
        .into_iter()
        .map(|chunk| {
            chunk
                .into_iter()
                .flatten()
                .collect::<TokenStream>()
                .to_string()
        })
        .collect();
    let printed: Vec<Result<String, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = texts
            .iter()
            .map(|text| {
                scope.spawn(move || {
                    syn::parse_file(text)
                        .map(|file| prettyplease::unparse(&file))
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| match w.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    printed.into_iter().collect()
}

fn format_one(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    Ok(prettyplease::unparse(&file))
}

/// The top-level items, each as its token trees: an item ends with a `;`, or with a `{ ... }`
/// that no `;` follows (`struct S { .. }`, `impl X { .. }`, but not `const C: S = S { .. };`).
fn split_items(trees: Vec<TokenTree>) -> Vec<Vec<TokenTree>> {
    let mut items = Vec::new();
    let mut current = Vec::new();
    let mut trees = trees.into_iter().peekable();
    while let Some(tree) = trees.next() {
        let ends = match &tree {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';')
            }
            _ => false,
        };
        current.push(tree);
        if ends {
            items.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        items.push(current);
    }
    items
}

/// `items` cut into at most `n` runs of consecutive items, of about the same number of items
/// (in a large module they are many, and their sizes even out).
fn chunks(items: Vec<Vec<TokenTree>>, n: usize) -> Vec<Vec<Vec<TokenTree>>> {
    let per_chunk = items.len().div_ceil(n.max(1)).max(1);
    let mut out: Vec<Vec<Vec<TokenTree>>> = Vec::new();
    for item in items {
        match out.last_mut() {
            Some(last) if last.len() < per_chunk => last.push(item),
            _ => out.push(vec![item]),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn parallel_formatting_gives_the_same_text() {
        let mut tokens = TokenStream::new();
        for i in 0..40 {
            let name = quote::format_ident!("S{i}");
            tokens.extend(quote! {
                /// A struct.
                #[derive(Debug, Clone)]
                pub struct #name { pub a: i32, pub b: Option<String> }
                impl #name {
                    pub const C: Self = Self { a: 1, b: None };
                    pub fn f(&self) -> i32 { if self.a > 0 { self.a } else { 0 } }
                }
                pub const T: &[i32] = &[1, 2, 3];
                crate::some_macro!(#name);
                pub enum E { A(i32), B { x: u8 } }
                pub mod m { pub fn g() {} }
                use std::fmt;
            });
        }
        let one = format_with(tokens.clone(), 1, 0).unwrap();
        for threads in [2, 3, 7] {
            assert_eq!(format_with(tokens.clone(), threads, 0).unwrap(), one);
        }
        assert!(one.contains("pub const C: Self = Self { a: 1, b: None };"));
    }
}
