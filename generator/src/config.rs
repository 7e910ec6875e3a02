//! The two inputs besides the spec: the pin (`spec/manifest.json`) and the selection
//! (`spec/select.yaml`). Reading the files is the caller's job; this parses their bytes.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{Error, ErrorKind, Pointer};

/// The pin: which spec the committed `generated/` was made from.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Manifest {
    /// Stripe API version the spec describes (`info.version`), e.g. `2024-04-10`.
    pub api_version: String,
    /// Lowercase hex sha256 of the spec bytes.
    pub sha256: String,
}

impl Manifest {
    /// Parses `spec/manifest.json`; fields the generator does not need (sources) are ignored.
    pub fn from_json(bytes: &[u8]) -> Result<Manifest, Error> {
        serde_json::from_slice(bytes).map_err(|e| {
            Error::new(
                Pointer::root(),
                ErrorKind::Config(format!("spec/manifest.json: {e}")),
            )
        })
    }
}

/// What to generate: `spec/select.yaml`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Resources by `x-resourceId`, e.g. `financial_connections.session`.
    pub resources: Vec<String>,
    /// Property names whose values are secrets (typed `rt::Secret`, redacted in `Debug`).
    #[serde(default)]
    pub secret_fields: Vec<String>,
    /// Rust type names for component schemas whose derived name clashes or is reserved.
    #[serde(default)]
    pub renames: BTreeMap<String, String>,
}

impl Selection {
    /// Parses `spec/select.yaml`; an unknown key or a wrong type is an error with its line.
    pub fn from_yaml(bytes: &[u8]) -> Result<Selection, Error> {
        let sel: Selection = serde_yaml::from_slice(bytes).map_err(|e| {
            Error::new(
                Pointer::root(),
                ErrorKind::Config(format!("spec/select.yaml: {e}")),
            )
        })?;
        if sel.resources.is_empty() {
            return Err(Error::new(
                Pointer::root().push("resources"),
                ErrorKind::Config("spec/select.yaml selects no resources".into()),
            ));
        }
        Ok(sel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_parses_and_rejects_unknown_keys() {
        let sel = Selection::from_yaml(
            br"
resources: [financial_connections.session]
secret_fields: [client_secret]
",
        )
        .unwrap();
        assert_eq!(sel.resources, ["financial_connections.session"]);
        let err = Selection::from_yaml(b"resources: [a]\nresource: [b]\n").unwrap_err();
        assert!(
            err.to_string().contains("unknown field `resource`"),
            "{err}"
        );
        let err = Selection::from_yaml(b"resources: []\n").unwrap_err();
        assert!(err.to_string().contains("selects no resources"), "{err}");
    }
}
