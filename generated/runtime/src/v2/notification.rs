//! Thin events: the notification Stripe delivers to an event destination, and the requests
//! that fetch the event and its related object.

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};

use crate::json::{deserialize_via_json, Decode, DecodeError, Reader};
use crate::path::{response_url_target, UrlRefusal};
use crate::{DateTime, Error, ErrorKind, Extra, Json, Method, Path, Request};

/// A thin event, or event notification: what Stripe delivers to an event destination (a
/// webhook endpoint, Amazon EventBridge, ...) whose payload style is `thin`. It says what
/// happened ([`type_`](Self::type_)), to which object ([`related_object`](Self::related_object))
/// and in which context, but carries neither the object nor the event's `data`: fetch them
/// with [`fetch_event`](Self::fetch_event) and [`fetch_related_object`](Self::fetch_related_object),
/// requests a client sends like any other.
///
/// From a webhook, verify and decode it with `webhook::parse_event_notification` (feature
/// `webhook`); from a payload that is already trusted (an EventBridge message's `detail`),
/// decode it with [`from_json`](crate::from_json).
///
/// ```
/// use stripe_typed_runtime::{self as rt, v2::EventNotification, Method};
///
/// let payload = r#"{"id": "evt_1", "object": "v2.core.event", "type": "v2.core.account.updated",
///     "created": "2025-01-01T00:00:00.000Z", "livemode": false, "context": "acct_1",
///     "related_object": {"id": "acct_2", "type": "v2.core.account", "url": "/v2/core/accounts/acct_2"}}"#;
/// let notification: EventNotification = rt::from_json(payload).unwrap();
/// // `type_` is an open set: match on the strings you handle.
/// if notification.type_ == "v2.core.account.updated" {
///     let event = notification.fetch_event::<rt::Json>(); // `resources::v2_core_event::V2CoreEvent`
///     assert_eq!(event.path(), "/v2/core/events/evt_1");
///     assert_eq!(event.options().stripe_context.as_deref(), Some("acct_1"));
///     let account = notification.fetch_related_object::<rt::Json>().unwrap().unwrap();
///     assert_eq!((account.method(), account.path()), (Method::Get, "/v2/core/accounts/acct_2"));
/// }
/// ```
///
/// Like stripe-node's `EventNotification` and stripe-go's `V2CoreEventNotification`, an event
/// type this crate has never heard of is no error (`type_` is a `String`, since the spec lists
/// no v2 event types), and fields it does not know are kept in `extra`. Unlike them, there
/// are no per-type notification structs: [`fetch_related_object`](Self::fetch_related_object)
/// is generic, so decode the object as the type `related_object.type_` names (the generated
/// `ThinEventObject` tells the selected resources apart by their `object`). `id`, `object`,
/// `type`, `created` and `livemode` are required, as the spec's `v2.core.event` says (stripe-go
/// and stripe-node also accept a payload without `object`, `created` or `livemode`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EventNotification {
    /// The event's id, such as `evt_test_65R...`.
    pub id: String,
    /// The object's type: `v2.core.event`.
    pub object: String,
    /// The event's type, such as `v1.billing.meter.error_report_triggered` or
    /// `v2.core.account.updated`: an open set, kept as sent.
    pub type_: String,
    /// When the event happened.
    pub created: DateTime,
    /// Whether the event happened in live mode.
    pub livemode: bool,
    /// The context the event happened in (the `Stripe-Context` that fetches the event and its
    /// object: an account id, or segments joined by `/`), when it is not the account itself.
    pub context: Option<String>,
    /// The object the event is about, when there is one.
    pub related_object: Option<RelatedObject>,
    /// Why the event happened, such as `{"type": "request", "request": {"id": "req_...",
    /// "idempotency_key": "..."}}`, as sent (the fetched event types it).
    pub reason: Option<Json>,
    /// Fields this crate does not know, kept as sent.
    pub extra: Extra,
}

/// The object a thin event is about: its id, its type and the URL that fetches it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RelatedObject {
    /// The object's id.
    pub id: String,
    /// The object's type, such as `v2.core.account` or `billing.meter`.
    pub type_: String,
    /// The path (and query) that fetches the object, such as `/v2/core/accounts/acct_1`;
    /// [`EventNotification::fetch_related_object`] checks it before requesting it.
    pub url: String,
    /// Fields this crate does not know, kept as sent.
    pub extra: Extra,
}

/// The most a related object's `url` may say: a path under one of these, on the API host.
const RELATED_OBJECT_PREFIXES: &[&str] = &["/v1/", "/v2/"];

impl EventNotification {
    /// The request that fetches the whole event (`GET /v2/core/events/{id}`, the generated
    /// `V2CoreEvent`), with its `data` and `changes`, in the notification's context.
    ///
    /// The id is a path parameter: one that is not a single path segment (empty, `..`, with a
    /// `/`) makes the request fail when it is sent, with
    /// [`ErrorKind::InvalidPathParameter`], before anything goes out.
    ///
    /// The request acts in the notification's [`context`](Self::context) when it has one
    /// (`Stripe-Context`), as stripe-node's `fetchEvent` and stripe-go's `FetchEvent` do;
    /// without one, the client's context applies, if it has one. Unlike them, it does not
    /// send the informational `Stripe-Request-Trigger: event=<id>` header (requests carry no
    /// custom headers here).
    pub fn fetch_event<E: Decode>(&self) -> Request<E> {
        let path = Path::new("/v2/core/events/").param("id", &self.id);
        self.in_context(Request::new(Method::Get, path))
    }

    /// The request that fetches the object the event is about (`GET` of
    /// `related_object.url`), in the notification's context as
    /// [`fetch_event`](Self::fetch_event) is; `None` when the event has no related object,
    /// as stripe-node's `fetchRelatedObject` returns `null` and stripe-go's
    /// `FetchRelatedObject` `nil`.
    ///
    /// The URL comes from the payload, so it is checked as hostile input before any request
    /// exists, with the check a v2 list's `next_page_url` goes through: it must be a path
    /// under `/v1/` or `/v2/` (no scheme, no host), with an optional query string, of at most
    /// 8 KiB of visible ASCII, without `\`, `#`, `.` or `..` segments (also spelled `%2e`) or
    /// malformed percent-escapes. Otherwise it is `Some(Err(_))` with
    /// [`ErrorKind::InvalidRelatedObjectUrl`] saying why. (stripe-node and stripe-go request
    /// the URL as sent.)
    ///
    /// Decode the object as what `related_object.type_` names: the generated resource type,
    /// the generated `ThinEventObject` (typed by the fetched object's own `object`), or
    /// [`Json`].
    pub fn fetch_related_object<T: Decode>(&self) -> Option<Result<Request<T>, Error>> {
        let related = self.related_object.as_ref()?;
        Some(related.request().map(|request| self.in_context(request)))
    }

    /// `request` in the notification's context, when it has one.
    fn in_context<T>(&self, request: Request<T>) -> Request<T> {
        match &self.context {
            Some(context) if !context.is_empty() => request.stripe_context(context.clone()),
            _ => request,
        }
    }
}

impl RelatedObject {
    /// `GET` of the checked URL.
    fn request<T: Decode>(&self) -> Result<Request<T>, Error> {
        match response_url_target(&self.url, RELATED_OBJECT_PREFIXES) {
            Ok((path, query)) => {
                Ok(Request::new(Method::Get, path.to_owned()).with_encoded_query(query))
            }
            Err(refusal) => {
                let reason = match refusal {
                    UrlRefusal::TooLong => "is longer than 8192 bytes",
                    UrlRefusal::OutsidePrefixes => "is not a /v1/ or /v2/ path on the API host",
                    UrlRefusal::Character => "has a character that cannot be sent in a URL",
                    UrlRefusal::MalformedEscape => "has a malformed percent-escape",
                    UrlRefusal::DotSegment => "has a `.` or `..` segment",
                };
                Err(ErrorKind::InvalidRelatedObjectUrl { reason }.into())
            }
        }
    }
}

/// `id`, `object`, `type`, `created` and `livemode` are required; the others may be absent or
/// `null` (both `None`).
impl Decode for EventNotification {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let (mut id, mut object, mut type_) = (None, None, None);
        let (mut created, mut livemode) = (None, None);
        let (mut context, mut related_object, mut reason) = (None, None, None);
        let mut extra = Extra::new();
        r.object(&mut |r, key| match key {
            "id" => r.set(&mut id),
            "object" => r.set(&mut object),
            "type" => r.set(&mut type_),
            "created" => r.set(&mut created),
            "livemode" => r.set(&mut livemode),
            "context" => r.set_nullable(&mut context),
            "related_object" => r.set_nullable(&mut related_object),
            "reason" => r.set_nullable(&mut reason),
            _ => extra.read(key, r),
        })?;
        Ok(EventNotification {
            id: r.required(id, "id")?,
            object: r.required(object, "object")?,
            type_: r.required(type_, "type")?,
            created: r.required(created, "created")?,
            livemode: r.required(livemode, "livemode")?,
            context,
            related_object,
            reason,
            extra,
        })
    }
}

/// Every field is required.
impl Decode for RelatedObject {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let (mut id, mut type_, mut url) = (None, None, None);
        let mut extra = Extra::new();
        r.object(&mut |r, key| match key {
            "id" => r.set(&mut id),
            "type" => r.set(&mut type_),
            "url" => r.set(&mut url),
            _ => extra.read(key, r),
        })?;
        Ok(RelatedObject {
            id: r.required(id, "id")?,
            type_: r.required(type_, "type")?,
            url: r.required(url, "url")?,
            extra,
        })
    }
}

/// The fields as sent (optional ones only when set), then `extra`.
impl Serialize for EventNotification {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("object", &self.object)?;
        map.serialize_entry("type", &self.type_)?;
        map.serialize_entry("created", &self.created)?;
        map.serialize_entry("livemode", &self.livemode)?;
        if let Some(context) = &self.context {
            map.serialize_entry("context", context)?;
        }
        if let Some(related_object) = &self.related_object {
            map.serialize_entry("related_object", related_object)?;
        }
        if let Some(reason) = &self.reason {
            map.serialize_entry("reason", reason)?;
        }
        self.extra.end(map)
    }
}

impl Serialize for RelatedObject {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("type", &self.type_)?;
        map.serialize_entry("url", &self.url)?;
        self.extra.end(map)
    }
}

impl<'de> Deserialize<'de> for EventNotification {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_via_json(deserializer)
    }
}

impl<'de> Deserialize<'de> for RelatedObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_via_json(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::from_json;
    use serde_json::json;

    fn notification(related_url: &str) -> EventNotification {
        let text = json!({
            "id": "evt_1", "object": "v2.core.event", "type": "v2.core.account.updated",
            "created": "2025-01-01T00:00:00.000Z", "livemode": true, "context": "acct_1/acct_2",
            "related_object": {"id": "acct_3", "type": "v2.core.account", "url": related_url},
        });
        from_json(&text.to_string()).unwrap()
    }

    #[test]
    fn notifications_keep_what_they_do_not_know_and_encode_back() {
        let wire = json!({
            "id": "evt_1", "object": "v2.core.event", "type": "llama.created",
            "created": "2025-01-01T00:00:00.000Z", "livemode": false,
            "context": null, "reason": {"type": "request", "request": {"id": "req_1"}},
            "related_object": {"id": "llama_1", "type": "llama", "url": "/v1/llamas/llama_1",
                               "version": 2},
            "new_field": [1, {"x": null}],
        });
        let n: EventNotification = from_json(&wire.to_string()).unwrap();
        assert_eq!(
            (n.id.as_str(), n.type_.as_str()),
            ("evt_1", "llama.created")
        );
        assert_eq!(n.created.as_str(), "2025-01-01T00:00:00.000Z");
        assert!(!n.livemode);
        assert_eq!(n.context, None);
        assert_eq!(n.reason.as_ref().unwrap()["request"]["id"], "req_1");
        let related = n.related_object.as_ref().unwrap();
        assert_eq!(
            (related.id.as_str(), related.type_.as_str()),
            ("llama_1", "llama")
        );
        assert_eq!(related.extra.get_raw("version"), Some("2"));
        assert_eq!(n.extra.get("new_field"), Some(json!([1, {"x": null}])));
        // Written back as received, `null` context left out.
        let mut expected = wire.clone();
        expected.as_object_mut().unwrap().remove("context");
        assert_eq!(serde_json::to_value(&n).unwrap(), expected);
        let back: EventNotification = serde_json::from_value(expected).unwrap();
        assert_eq!(back, n);
    }

    #[test]
    fn what_a_notification_needs() {
        let full = json!({"id": "evt_1", "object": "v2.core.event", "type": "x",
            "created": "2025-01-01T00:00:00Z", "livemode": true});
        assert!(from_json::<EventNotification>(&full.to_string()).is_ok());
        for field in ["id", "object", "type", "created", "livemode"] {
            let mut partial = full.clone();
            partial.as_object_mut().unwrap().remove(field);
            let err = from_json::<EventNotification>(&partial.to_string()).unwrap_err();
            assert!(
                err.to_string()
                    .contains(&format!("missing field `{field}`")),
                "{err}"
            );
        }
        for (field, value) in [
            ("id", json!(1)),
            ("type", json!(null)),
            ("livemode", json!("true")),
            ("created", json!(1735689600)),
            ("related_object", json!({"id": "x", "type": "y"})),
            ("context", json!(["acct_1"])),
        ] {
            let mut wrong = full.clone();
            wrong[field] = value;
            assert!(
                from_json::<EventNotification>(&wrong.to_string()).is_err(),
                "{field}"
            );
        }
        for text in ["", "[]", "null", "{", r#"{"id": "evt_1"} x"#] {
            assert!(from_json::<EventNotification>(text).is_err(), "{text:?}");
        }
    }

    #[test]
    fn fetching_the_event_in_its_context() {
        let n = notification("/v2/core/accounts/acct_3");
        let event: Request<Json> = n.fetch_event();
        assert_eq!(
            (event.method(), event.path(), event.query_string()),
            (Method::Get, "/v2/core/events/evt_1", "")
        );
        assert_eq!(
            event.options().stripe_context.as_deref(),
            Some("acct_1/acct_2")
        );
        assert!(event.check().is_ok());
        // No context: none set, so the client's applies.
        let mut own = n.clone();
        own.context = None;
        assert_eq!(own.fetch_event::<Json>().options().stripe_context, None);
        own.context = Some(String::new());
        assert_eq!(own.fetch_event::<Json>().options().stripe_context, None);
        // A hostile id stays one segment, or the request is refused before it is sent.
        own.id = "evt 1?x#y".to_owned();
        assert_eq!(
            own.fetch_event::<Json>().path(),
            "/v2/core/events/evt%201%3Fx%23y"
        );
        for id in ["", ".", "..", "../../v1/customers", "a\\b"] {
            own.id = id.to_owned();
            let err = own.fetch_event::<Json>().check().unwrap_err();
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::InvalidPathParameter { name: "id", .. }
                ),
                "{id:?}: {err:?}"
            );
        }
    }

    #[test]
    fn fetching_the_related_object_checks_its_url() {
        for (url, path, query) in [
            ("/v2/core/accounts/acct_3", "/v2/core/accounts/acct_3", ""),
            (
                "/v1/billing/meters/mtr_1?expand[0]=x",
                "/v1/billing/meters/mtr_1",
                "expand[0]=x",
            ),
            (
                "/v2/core/accounts/acct_3?include=identity",
                "/v2/core/accounts/acct_3",
                "include=identity",
            ),
        ] {
            let n = notification(url);
            let request: Request<Json> = n.fetch_related_object().unwrap().unwrap();
            assert_eq!(
                (request.method(), request.path(), request.query_string()),
                (Method::Get, path, query),
                "{url}"
            );
            assert_eq!(
                request.options().stripe_context.as_deref(),
                Some("acct_1/acct_2")
            );
            assert!(request.check().is_ok());
        }
        for (url, reason) in [
            (
                "https://evil.example/v1/customers",
                "is not a /v1/ or /v2/ path on the API host",
            ),
            (
                "//evil.example/v1/customers",
                "is not a /v1/ or /v2/ path on the API host",
            ),
            ("/v3/x", "is not a /v1/ or /v2/ path on the API host"),
            ("v1/customers", "is not a /v1/ or /v2/ path on the API host"),
            ("", "is not a /v1/ or /v2/ path on the API host"),
            ("/v1/../v2/x", "has a `.` or `..` segment"),
            ("/v1/x/%2E%2e/y", "has a `.` or `..` segment"),
            (
                "/v1/x\\..\\y",
                "has a character that cannot be sent in a URL",
            ),
            ("/v1/x#y", "has a character that cannot be sent in a URL"),
            (
                "/v1/x?a=b\r\nX-Evil: 1",
                "has a character that cannot be sent in a URL",
            ),
            ("/v1/é", "has a character that cannot be sent in a URL"),
            ("/v1/x?a=%G0", "has a malformed percent-escape"),
            ("/v1/x%", "has a malformed percent-escape"),
        ] {
            let err = notification(url)
                .fetch_related_object::<Json>()
                .unwrap()
                .unwrap_err();
            match err.kind() {
                ErrorKind::InvalidRelatedObjectUrl { reason: r } => {
                    assert_eq!(*r, reason, "{url:?}")
                }
                other => panic!("{url:?}: {other:?}"),
            }
            assert!(err.to_string().contains("related_object.url"), "{err}");
            assert_eq!(err.status(), None);
        }
        let long = format!("/v1/x?a={}", "b".repeat(8192));
        assert!(notification(&long)
            .fetch_related_object::<Json>()
            .unwrap()
            .is_err());
        // No related object: nothing to fetch.
        let mut none = notification("/v1/x");
        none.related_object = None;
        assert!(none.fetch_related_object::<Json>().is_none());
    }
}
