//! How a client names itself to Stripe: the `User-Agent` and `X-Stripe-Client-User-Agent`
//! headers, and the application (plugin, platform) built on it ([`AppInfo`]).

use super::{Error, ErrorKind, USER_AGENT};

/// The application that uses the client, such as a plugin or a platform, as Stripe's official
/// libraries let it name itself (stripe-node's `appInfo`, stripe-go's `AppInfo`). Stripe uses it
/// for support and partner attribution.
///
/// Set it with `Client::with_app_info`: it is appended to the `User-Agent`
/// (`stripe-typed/0.1.0 MyPlugin/1.2.3 (https://example.com)`) and sent as the `application`
/// object of `X-Stripe-Client-User-Agent`. Every field must be printable ASCII without control
/// characters (the name also not empty), or `with_app_info` fails with
/// [`ErrorKind::InvalidAppInfo`].
///
/// ```
/// use stripe_typed_runtime::AppInfo;
///
/// let info = AppInfo::new("MyPlugin")
///     .version("1.2.3")
///     .url("https://example.com")
///     .partner_id("pp_partner_123");
/// assert_eq!(info.name(), "MyPlugin");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppInfo {
    name: String,
    version: Option<String>,
    url: Option<String>,
    partner_id: Option<String>,
}

impl AppInfo {
    /// An application called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        AppInfo {
            name: name.into(),
            version: None,
            url: None,
            partner_id: None,
        }
    }

    /// Its version, such as `1.2.3`.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// Its website.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Its Stripe partner id (for Stripe's partner program).
    pub fn partner_id(mut self, partner_id: impl Into<String>) -> Self {
        self.partner_id = Some(partner_id.into());
        self
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Every field with its name, the unset ones left out.
    fn fields(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("name", Some(self.name.as_str())),
            ("version", self.version.as_deref()),
            ("url", self.url.as_deref()),
            ("partner_id", self.partner_id.as_deref()),
        ]
        .into_iter()
        .filter_map(|(field, value)| Some((field, value?)))
    }

    /// Refuses a value that a header cannot carry as is, naming the field.
    fn check(&self) -> Result<(), Error> {
        if self.name.is_empty() {
            return Err(ErrorKind::InvalidAppInfo {
                field: "name",
                reason: "is empty",
            }
            .into());
        }
        for (field, value) in self.fields() {
            let reason = if value.chars().any(char::is_control) {
                "contains a control character"
            } else if !value.is_ascii() {
                "contains a non-ASCII character"
            } else {
                continue;
            };
            return Err(ErrorKind::InvalidAppInfo { field, reason }.into());
        }
        Ok(())
    }

    /// How the official libraries append it to the `User-Agent`: `name/version (url)`.
    fn user_agent_suffix(&self) -> String {
        let mut s = self.name.clone();
        if let Some(version) = &self.version {
            s.push('/');
            s.push_str(version);
        }
        if let Some(url) = &self.url {
            s.push_str(" (");
            s.push_str(url);
            s.push(')');
        }
        s
    }
}

/// The two identification headers of a client, computed once when it is configured.
#[derive(Clone, Debug)]
pub(crate) struct Identity {
    pub(crate) app_info: Option<AppInfo>,
    pub(crate) user_agent: String,
    pub(crate) client_user_agent: String,
}

impl Identity {
    /// Without app info.
    pub(crate) fn new() -> Self {
        Identity {
            app_info: None,
            user_agent: USER_AGENT.to_owned(),
            client_user_agent: client_user_agent(None),
        }
    }

    /// With `info`, if every field can be sent.
    pub(crate) fn with_app_info(info: AppInfo) -> Result<Self, Error> {
        info.check()?;
        Ok(Identity {
            user_agent: format!("{USER_AGENT} {}", info.user_agent_suffix()),
            client_user_agent: client_user_agent(Some(&info)),
            app_info: Some(info),
        })
    }
}

/// The JSON of `X-Stripe-Client-User-Agent`, with the keys of the official libraries. The Rust
/// compiler's version is not known at run time, so `lang_version` is left out.
fn client_user_agent(info: Option<&AppInfo>) -> String {
    use serde_json::{Map, Value};
    let text = |s: &str| Value::String(s.to_owned());
    let mut object = Map::new();
    object.insert("bindings_version".into(), text(env!("CARGO_PKG_VERSION")));
    object.insert("lang".into(), text("rust"));
    // The crate users know; the runtime is released with it, at the same version.
    object.insert("publisher".into(), text("stripe-typed"));
    object.insert("platform".into(), text(std::env::consts::OS));
    object.insert(
        "uname".into(),
        Value::String(format!(
            "{} {}",
            std::env::consts::OS,
            std::env::consts::ARCH
        )),
    );
    if let Some(info) = info {
        let application = info.fields().map(|(k, v)| (k.to_owned(), text(v)));
        object.insert("application".into(), Value::Object(application.collect()));
    }
    // Checked app info is ASCII, so the JSON is too: a valid header value.
    Value::Object(object).to_string()
}
