//! Path templates: `/v1/x/sessions/{session}/refresh` -> literal and parameter parts, checked
//! against the operation's declared path parameters (every `{param}` declared, every declared
//! parameter used).

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind, Pointer};
use crate::naming;

use super::ir::{PathParam, PathPart, Ty, TypeRef};
use super::name_error;

/// A parsed path template.
pub(super) struct Template {
    /// Literal text and parameters, in path order.
    pub parts: Vec<PathPart>,
    /// The parameters, in path order: the function's arguments.
    pub params: Vec<PathParam>,
}

/// Splits `path` at its `{param}`s. Each must be in `declared` (the operation's `in: path`
/// parameters by name). The resource's own id, right after its own collection path
/// `canonical` (`/v1/x/sessions/{session}`, also in `/v1/x/sessions/{session}/refresh`), is
/// typed `id_type`; other parameters (a parent resource's id, say) are strings.
pub(super) fn parse(
    op_at: &Pointer,
    path: &str,
    declared: &BTreeMap<String, usize>,
    canonical: &str,
    id_type: Option<&TypeRef>,
) -> Result<Template, Error> {
    let mut parts = Vec::new();
    let mut params = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            return Err(Error::unsupported(op_at, "a path with an unclosed `{`"));
        };
        parts.push(PathPart::Lit(rest[..open].to_owned()));
        let wire = &rest[open + 1..close];
        if !declared.contains_key(wire) {
            return Err(Error::new(
                op_at.push("parameters"),
                ErrorKind::Unsupported(format!(
                    "a `{{{wire}}}` in the path with no `in: path` parameter"
                )),
            ));
        }
        let name = naming::field(wire).map_err(|e| name_error(op_at, e))?;
        let prefix = &path[..path.len() - rest.len() + open];
        // A v2 collection is exact and may hold a parent's id
        // (`/v2/core/accounts/{account_id}/persons`): the own id follows it directly.
        let is_own_id = (params.is_empty() && prefix.starts_with(canonical))
            || prefix.strip_prefix(canonical) == Some("/");
        let ty = match (is_own_id, id_type) {
            (true, Some(id)) => Ty::Named(id.clone()),
            _ => Ty::Str,
        };
        parts.push(PathPart::Param(name.clone()));
        params.push(PathParam { name, ty });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Lit(rest.to_owned()));
    }
    Ok(Template { parts, params })
}

/// An error for each declared path parameter the template does not use.
pub(super) fn unused(
    op_at: &Pointer,
    declared: &BTreeMap<String, usize>,
    template: &Template,
) -> Vec<Error> {
    declared
        .iter()
        .filter(|(wire, _)| !template.params.iter().any(|p| p.name.wire() == *wire))
        .map(|(wire, index)| {
            Error::new(
                op_at.push("parameters").push(&index.to_string()),
                ErrorKind::Unsupported(format!(
                    "path parameter `{wire}` that does not appear in the path"
                )),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(names: &[&str]) -> BTreeMap<String, usize> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| ((*n).to_owned(), i))
            .collect()
    }

    #[test]
    fn only_the_own_id_after_the_own_collection_is_typed() {
        let id = TypeRef {
            module: naming::module("x.session").unwrap(),
            name: naming::type_name("x.session_id").unwrap(),
        };
        let at = Pointer::root();
        let d = declared(&["parent", "session"]);
        let t = parse(
            &at,
            "/v1/x/sessions/{session}/refresh",
            &d,
            "/v1/x/session",
            Some(&id),
        )
        .unwrap();
        assert_eq!(t.params.len(), 1);
        assert_eq!(t.params[0].ty, Ty::Named(id.clone()));
        assert_eq!(t.parts.last(), Some(&PathPart::Lit("/refresh".to_owned())));
        let t = parse(
            &at,
            "/v1/parents/{parent}/sessions/{session}",
            &d,
            "/v1/x/session",
            Some(&id),
        )
        .unwrap();
        assert!(t.params.iter().all(|p| p.ty == Ty::Str));
        assert!(unused(&at, &d, &t).is_empty());
        assert_eq!(
            unused(
                &at,
                &declared(&["a", "b"]),
                &parse(&at, "/v1/{b}", &declared(&["a", "b"]), "/v1/z", None).unwrap()
            )
            .len(),
            1
        );
        assert!(parse(&at, "/v1/{session", &d, "/v1/x/session", None).is_err());
        assert!(parse(&at, "/v1/{nope}", &d, "/v1/x/session", None).is_err());
    }
}
