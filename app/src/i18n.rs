//! Every piece of UI text, looked up by key. The catalog is Project Fluent (`app/locales/<lang>/*.ftl`):
//! named arguments (`{ $count }`), CLDR plural rules, no sentence assembled by joining strings.
//! `build.rs` generates [`Msg`] from the English files, so a page that names a missing message does
//! not compile, and a catalog Fluent cannot parse fails the build. English is the only language
//! today; another is one more folder of `.ftl` files.
//!
//! - `t(Msg::X)` — a message without arguments (formatted once, then reused).
//! - `tr!(Msg::X, count = n, name = s)` — a message with arguments.

use std::cell::RefCell;
use std::collections::HashMap;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

thread_local! {
    static BUNDLE: FluentBundle<FluentResource> = english();
    static PLAIN: RefCell<HashMap<Msg, &'static str>> = RefCell::new(HashMap::new());
}

fn english() -> FluentBundle<FluentResource> {
    let lang: unic_langid::LanguageIdentifier = "en".parse().expect("a valid language tag");
    let mut bundle = FluentBundle::new(vec![lang]);
    // User text beside a message is set apart by the page's markup (`dir`/`lang` on the element),
    // not by invisible isolation marks that end up in copied text and test assertions.
    bundle.set_use_isolating(false);
    for source in EN {
        // build.rs parsed every file; a resource with errors cannot reach here.
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
        if let Err(errors) = bundle.add_resource(resource) {
            web_log(&format!("UI catalog: {errors:?}"));
        }
    }
    bundle
}

fn web_log(message: &str) {
    leptos::logging::warn!("{message}");
}

fn format(msg: Msg, args: Option<&FluentArgs>) -> String {
    BUNDLE.with(|bundle| {
        let Some(pattern) = bundle.get_message(msg.id()).and_then(|m| m.value()) else {
            return msg.id().to_string();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
        if !errors.is_empty() {
            web_log(&format!("UI message {}: {errors:?}", msg.id()));
        }
        text
    })
}

/// A message without arguments.
pub fn t(msg: Msg) -> &'static str {
    PLAIN.with(|plain| *plain.borrow_mut().entry(msg).or_insert_with(|| Box::leak(format(msg, None).into_boxed_str())))
}

/// A message with named arguments; pages use [`tr!`].
pub fn tf(msg: Msg, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fluent = FluentArgs::new();
    for (name, value) in args {
        fluent.set(*name, value.clone());
    }
    format(msg, Some(&fluent))
}

/// Stands in a message for an element placed inside its sentence (a link, an `<output>`): the
/// message is formatted with this in the element's place and cut there ([`around_slot`]), so the
/// sentence stays one message a translator can reorder. A private-use character, never in a
/// catalog or in user text.
pub const SLOT: &str = "\u{E000}";

/// The text before and after [`SLOT`] in a formatted message.
pub fn around_slot(text: &str) -> (String, String) {
    match text.split_once(SLOT) {
        Some((before, after)) => (before.to_string(), after.to_string()),
        None => (text.to_string(), String::new()),
    }
}

/// `tr!(Msg::RowsShown, count = n, name = dataset.name.as_str())`: a message with named arguments
/// (text, or numbers, which Fluent's plural rules read).
#[macro_export]
macro_rules! tr {
    ($msg:expr $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::tf($msg, &[$((stringify!($name), ::fluent_bundle::FluentValue::from($value))),*])
    };
}
