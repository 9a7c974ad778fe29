//! How a command speaks: the message language, and whether to print JSON instead.

use serde::Serialize;
use showroom_core::Lang;
use showroom_core::i18n::{Arg, tr};

pub struct Output {
    pub lang: Lang,
    pub json: bool,
}

impl Output {
    /// Prints `value` as pretty JSON on stdout.
    pub fn json(&self, value: &impl Serialize) -> anyhow::Result<()> {
        println!("{}", serde_json::to_string_pretty(value)?);
        Ok(())
    }

    /// Prints message `id` on stdout, in the chosen language.
    pub fn say(&self, id: &str, args: &[Arg<'_>]) {
        println!("{}", tr(self.lang, id, args));
    }

    /// Prints message `id` on stderr, in the chosen language.
    pub fn warn(&self, id: &str, args: &[Arg<'_>]) {
        eprintln!("{}", tr(self.lang, id, args));
    }
}
