//! FFISAN_OPTIONS as ordered `key=value` pairs, merged in layers where the later layer wins per key.

use anyhow::{bail, Result};

pub const OPTIONS_ENV: &str = "FFISAN_OPTIONS";

/// Ordered `key=value` pairs; each key at most once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RuntimeOptions {
    pairs: Vec<(String, String)>,
}

impl RuntimeOptions {
    /// Parses the runtime's syntax: `k=v` separated by `:` (empty segments are skipped).
    pub fn parse(text: &str) -> Result<RuntimeOptions> {
        let mut options = RuntimeOptions::default();
        for segment in text.split(':').filter(|s| !s.is_empty()) {
            options.add_pair(segment)?;
        }
        Ok(options)
    }

    /// Adds one `key=value` (from `--options`).
    pub fn add_pair(&mut self, pair: &str) -> Result<()> {
        let Some((key, value)) = pair.split_once('=') else {
            bail!("`{pair}` is not key=value (FFISAN_OPTIONS is key=value pairs separated by `:`)");
        };
        self.set(key, value)
    }

    /// Sets `key` (replacing an earlier value). A value cannot hold `:`, the runtime's separator.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        if key.is_empty() {
            bail!("empty option name in `{key}={value}`");
        }
        if value.contains(':') {
            bail!("option {key}={value}: values cannot contain `:` (the FFISAN_OPTIONS separator)");
        }
        match self.pairs.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value.to_string(),
            None => self.pairs.push((key.to_string(), value.to_string())),
        }
        Ok(())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `self` overlaid with `later`: keys of `later` win, the order of first appearance is kept.
    pub fn overlaid_with(&self, later: &RuntimeOptions) -> RuntimeOptions {
        let mut merged = self.clone();
        for (key, value) in &later.pairs {
            match merged.pairs.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value.clone(),
                None => merged.pairs.push((key.clone(), value.clone())),
            }
        }
        merged
    }

    pub fn render(&self) -> String {
        self.pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(":")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_layers_win_per_key_and_keep_order() {
        let defaults = RuntimeOptions::parse("json_path=/tmp/a.jsonl:halt_on_error=0").unwrap();
        let user = RuntimeOptions::parse("verbosity=1::halt_on_error=1").unwrap();
        let merged = defaults.overlaid_with(&user);
        assert_eq!(
            merged.render(),
            "json_path=/tmp/a.jsonl:halt_on_error=1:verbosity=1"
        );
        assert_eq!(merged.get("halt_on_error"), Some("1"));
    }

    #[test]
    fn rejects_what_the_runtime_could_not_read() {
        assert!(RuntimeOptions::parse("halt_on_error").is_err());
        assert!(RuntimeOptions::parse("=1").is_err());
        let mut options = RuntimeOptions::default();
        assert!(options.set("json_path", "C:/x").is_err());
    }

    #[test]
    fn empty_text_is_no_options() {
        assert_eq!(RuntimeOptions::parse("").unwrap().render(), "");
    }
}
