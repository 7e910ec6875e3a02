//! The two inputs besides the spec: the pin (`spec/manifest.json`) and the selection
//! (`spec/select.yaml`). Reading the files is the caller's job; this parses their bytes.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{comma_columns, Error, ErrorKind, Pointer};

/// The pin: which spec the committed `generated/` was made from.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Manifest {
    /// Stripe API version the spec describes (`info.version`), e.g. `2024-04-10`.
    pub api_version: String,
    /// Lowercase hex sha256 of the pinned spec bytes: the spec's identity in generated headers.
    pub sha256: String,
    /// Hashes of other encodings of the same document (Stripe's own unformatted JSON, a YAML
    /// conversion) that are accepted as this pin. They generate the same bytes.
    #[serde(skip)]
    pub also_accept: Vec<String>,
}

impl Manifest {
    /// Parses `spec/manifest.json`. Each `sources.*.sha256` is accepted as the same spec.
    pub fn from_json(bytes: &[u8]) -> Result<Manifest, Error> {
        let err = |e: serde_json::Error| {
            Error::new(
                Pointer::root(),
                ErrorKind::Config {
                    file: "spec/manifest.json",
                    what: comma_columns(&e.to_string()),
                },
            )
        };
        let mut m: Manifest = serde_json::from_slice(bytes).map_err(err)?;
        let v: serde_json::Value = serde_json::from_slice(bytes).map_err(err)?;
        if let Some(sources) = v.get("sources").and_then(serde_json::Value::as_object) {
            m.also_accept = sources
                .values()
                .filter_map(|s| s.get("sha256")?.as_str())
                .map(str::to_ascii_lowercase)
                .collect();
            m.also_accept.sort();
        }
        Ok(m)
    }

    /// Whether bytes with this sha256 are the pinned spec.
    pub fn accepts(&self, sha256: &str) -> bool {
        sha256 == self.sha256 || self.also_accept.iter().any(|a| a == sha256)
    }
}

/// What to generate: `spec/select.yaml`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// Resources by `x-resourceId`, e.g. `financial_connections.session`.
    pub resources: Vec<String>,
    /// Secrets besides [`DEFAULT_SECRET_FIELDS`], typed `rt::Secret` (redacted in `Debug`) in
    /// responses and parameters: `name` anywhere, or `scope.name` only in the schema `scope`
    /// (and objects nested in it) and in the parameters of resource `scope`'s operations.
    #[serde(default)]
    pub secret_fields: Vec<String>,
    /// Operations (by `operationId`) to leave out on purpose, e.g. file uploads, whose
    /// `multipart/form-data` bodies are not supported: anything else unsupported is an error.
    #[serde(default)]
    pub skip_operations: Vec<String>,
    /// Rust type names for component schemas whose derived name clashes or is reserved.
    #[serde(default)]
    pub renames: BTreeMap<String, String>,
    /// Webhook event types whose object is not named by the type minus its last segment: an
    /// event type (or a prefix ending in `.*`) -> the object's `x-resourceId`, or `None` to keep
    /// the object as JSON on purpose. See `model::events`, the model's events pass.
    #[serde(default)]
    pub event_objects: BTreeMap<String, Option<String>>,
    /// Operations (by `operationId`) whose success response names no resource and whose path
    /// is under no resource's (the meter event stream answers `{}`): the resource whose type
    /// gets the function, and the function's name.
    #[serde(default)]
    pub operation_resources: BTreeMap<String, OperationPlace>,
}

/// Where an operation of [`Selection::operation_resources`] goes.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationPlace {
    /// The resource (`x-resourceId`, or a v2 object's `object` value).
    pub resource: String,
    /// The function's name, e.g. `stream_events`.
    pub function: String,
}

/// Stripe's secrets, always typed `rt::Secret` when a selected schema or parameter has them,
/// whatever `spec/select.yaml` says: a list a user has to copy would be forgotten. Entries use
/// the [`Selection::secret_fields`] syntax; a scope that is not selected matches nothing.
pub const DEFAULT_SECRET_FIELDS: &[&str] = &[
    // Payment and setup intents, sessions, sources: responses and the `client_secret`
    // parameters of retrieve, confirm and verify_microdeposits.
    "client_secret",
    // Every `cvc` in the spec is a card's: issuing cards, `card[cvc]`, `cvc_update[cvc]`.
    "cvc",
    "ephemeral_key.secret",
    "webhook_endpoint.secret",
    "terminal.connection_token.secret",
    "apps.secret.payload",
    // An issued card's number; `number` elsewhere (invoices, quotes) is not secret.
    "issuing.card.number",
    // Raw card numbers (`card[number]`) in the parameters that take them.
    "payment_method.number",
    "token.number",
    "charge.number",
    "customer.number",
    // Government id numbers of people (Connect onboarding, identity reports).
    "id_number",
    "ssn_last_4",
    // v2: the meter event stream's bearer token, and an event destination's signing secret.
    "v2.billing.meter_event_session.authentication_token",
    "signing_secret",
];

/// An entry of `spec/select.yaml` that matches nothing in the spec being generated from: an
/// event pattern no event type matches, a `skip_operations` id or a rename whose operation or
/// schema is not there, a scoped secret field whose schema is gone. It is ignored, and reported
/// (on the terminal and in the change report) instead of failing, so a bump to an older or a
/// newer spec never stops on config written for another version. See `crate::stale`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConfigWarning {
    /// The entry in `spec/select.yaml`, e.g. `#/event_objects/issuing_token.*`.
    pub at: Pointer,
    /// Why it matches nothing, and what to do.
    pub what: String,
}

impl std::fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "spec/select.yaml{}: {}", self.at, self.what)
    }
}

impl Selection {
    /// Whether property `field` of a schema, or parameter `field` of an operation, in `scope`
    /// is a secret: `scope` is the component schema being lowered (for the fields of objects
    /// nested in it too) or the `x-resourceId` whose operation's parameters these are.
    pub fn is_secret(&self, scope: &str, field: &str) -> bool {
        let matches = |entry: &str| match entry.rsplit_once('.') {
            Some((entry_scope, name)) => name == field && entry_scope == scope,
            None => entry == field,
        };
        DEFAULT_SECRET_FIELDS.iter().any(|e| matches(e))
            || self.secret_fields.iter().any(|e| matches(e))
    }

    /// Parses `spec/select.yaml`; an unknown key or a wrong type is an error with its line.
    pub fn from_yaml(bytes: &[u8]) -> Result<Selection, Error> {
        let sel: Selection = serde_yaml::from_slice(bytes).map_err(|e| {
            Error::new(
                Pointer::root(),
                ErrorKind::Config {
                    file: "spec/select.yaml",
                    what: comma_columns(&e.to_string()),
                },
            )
        })?;
        if sel.resources.is_empty() {
            return Err(Error::new(
                Pointer::root().push("resources"),
                ErrorKind::Config {
                    file: "spec/select.yaml",
                    what: "selects no resources; list at least one `x-resourceId`".into(),
                },
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

    #[test]
    fn secrets_match_by_name_or_in_their_scope() {
        let sel =
            Selection::from_yaml(b"resources: [x]\nsecret_fields: [pin, my.thing.code]\n").unwrap();
        for (scope, field, secret) in [
            ("payment_intent", "client_secret", true),
            ("anything", "cvc", true),
            ("issuing.card", "number", true),
            ("invoice", "number", false),
            ("issuing.cardholder", "number", false),
            ("ephemeral_key", "secret", true),
            ("webhook_endpoint", "secret", true),
            ("terminal.connection_token", "secret", true),
            ("other", "secret", false),
            ("payment_method", "number", true),
            ("anything", "pin", true),
            ("my.thing", "code", true),
            ("thing", "code", false),
            ("my", "thing.code", false),
        ] {
            assert_eq!(sel.is_secret(scope, field), secret, "{scope} {field}");
        }
    }
}
