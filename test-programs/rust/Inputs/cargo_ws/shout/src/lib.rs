//! `#[derive(Shout)]` gives a struct `fn shout() -> &'static str` with its name in capitals. Runs
//! inside rustc, so `ffisan cargo` must leave it uninstrumented.
use proc_macro::{TokenStream, TokenTree};

#[proc_macro_derive(Shout)]
pub fn derive_shout(input: TokenStream) -> TokenStream {
    let mut tokens = input.into_iter();
    let name = loop {
        match tokens.next() {
            Some(TokenTree::Ident(ident)) if ident.to_string() == "struct" => {
                if let Some(TokenTree::Ident(name)) = tokens.next() {
                    break name.to_string();
                }
            }
            Some(_) => {}
            None => panic!("#[derive(Shout)] works on structs only"),
        }
    };
    format!(
        "impl {name} {{ pub fn shout() -> &'static str {{ \"{}\" }} }}",
        name.to_uppercase()
    )
    .parse()
    .unwrap()
}
