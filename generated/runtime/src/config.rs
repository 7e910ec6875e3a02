//! The settings both clients share ([`Config`]), and their builder methods, written once.

use std::time::Duration;

use crate::app_info::{AppInfo, Identity};
use crate::observe::Observer;
use crate::retry::RetryConfig;
use crate::{Error, Secret, API_VERSION, DEFAULT_BASE_URL, DEFAULT_MAX_UPLOAD_BYTES};

/// The default limit on a response body: far above any Stripe response (a page of 100 objects
/// with expansions is a few megabytes), far below what would hurt a server.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Settings shared by the async and blocking clients.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) secret_key: Secret,
    /// The base URL every request goes to, when one was set; otherwise a request goes to its
    /// operation's server, or [`DEFAULT_BASE_URL`].
    pub(crate) base_url: Option<String>,
    pub(crate) api_version: String,
    /// The `Stripe-Context` of every request that does not set its own.
    pub(crate) stripe_context: Option<String>,
    pub(crate) retry: RetryConfig,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
    pub(crate) max_upload_bytes: usize,
    /// The `User-Agent` and `X-Stripe-Client-User-Agent` values, made once here rather than
    /// on every request.
    pub(crate) identity: Identity,
    /// The hook every attempt is reported to.
    pub(crate) observer: Option<Observer>,
}

impl Config {
    pub(crate) fn new(secret_key: String) -> Self {
        Config {
            secret_key: Secret::new(secret_key),
            base_url: None,
            api_version: API_VERSION.to_owned(),
            stripe_context: None,
            retry: RetryConfig::default(),
            timeout: Duration::from_secs(80),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_upload_bytes: DEFAULT_MAX_UPLOAD_BYTES,
            identity: Identity::new(),
            observer: None,
        }
    }

    /// Names `info` in both user-agent headers, or refuses it (leaving the config as it was)
    /// when a field cannot be sent.
    pub(crate) fn set_app_info(&mut self, info: AppInfo) -> Result<(), Error> {
        self.identity = Identity::with_app_info(info)?;
        Ok(())
    }

    /// The app info set, if any.
    pub(crate) fn app_info(&self) -> Option<&AppInfo> {
        self.identity.app_info.as_ref()
    }

    /// Sends every request to `base_url`; Stripe's own API host means the default (each
    /// operation to its own server).
    pub(crate) fn set_base_url(&mut self, base_url: String) {
        let is_default = base_url.trim_end_matches('/') == DEFAULT_BASE_URL;
        self.base_url = (!is_default).then_some(base_url);
    }

    /// The base URL set, or [`DEFAULT_BASE_URL`].
    pub(crate) fn base_url(&self) -> &str {
        self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL)
    }

    /// Where a request with the operation server `server` goes: the base URL set, else the
    /// server, else Stripe's API host.
    pub(crate) fn url_for<'a>(&'a self, server: Option<&'a str>) -> &'a str {
        match (&self.base_url, server) {
            (Some(base), _) => base,
            (None, Some(server)) => server,
            (None, None) => DEFAULT_BASE_URL,
        }
    }
}

/// Debug leaves out the secret key.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("secret_key", &self.secret_key)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("stripe_context", &self.stripe_context)
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("app_info", &self.identity.app_info)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

/// The settings both clients share, as builder methods and getters of a client type with a
/// `config: Config` field: written once here, expanded in `impl Client` of `client.rs` and
/// `blocking.rs`.
macro_rules! config_methods {
    () => {
        /// Sends through `transport` instead.
        pub fn with_transport(mut self, transport: Arc<dyn Transport>) -> Self {
            self.transport = transport;
            self
        }

        /// Sends every request to `base_url`, such as a mock server or a proxy. By default a
        /// request goes to its operation's server: `https://api.stripe.com`, or for file
        /// uploads and downloads `https://files.stripe.com`, as the spec says. A base URL set
        /// here replaces them all (setting `https://api.stripe.com` restores the default).
        pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
            self.config.set_base_url(base_url.into());
            self
        }

        /// Sends this `Stripe-Version` (default [`API_VERSION`](crate::API_VERSION)). The
        /// generated models match the default; other versions may not decode.
        pub fn with_api_version(mut self, version: impl Into<String>) -> Self {
            self.config.api_version = version.into();
            self
        }

        /// Acts in `context` (the `Stripe-Context` header: an account id, or segments joined
        /// by `/`) on every request that does not set its own
        /// ([`Request::stripe_context`](crate::Request::stripe_context)), v1 and v2 alike, as
        /// stripe-node and stripe-go send it. An empty context sends none. A context with a
        /// character that cannot be sent in a header (a line break, a non-ASCII character)
        /// fails each request with [`ErrorKind::InvalidHeader`](crate::ErrorKind::InvalidHeader)
        /// before anything is sent.
        pub fn with_stripe_context(mut self, context: impl Into<String>) -> Self {
            self.config.stripe_context = Some(context.into());
            self
        }

        /// The context set with [`with_stripe_context`](Self::with_stripe_context), if any:
        /// what a request that sets none ([`Request::stripe_context`](crate::Request::stripe_context))
        /// acts in.
        pub fn default_stripe_context(&self) -> Option<&str> {
            self.config.stripe_context.as_deref()
        }

        /// Names the application built on the client (a plugin, a platform) to Stripe, as the
        /// official libraries' app info does: `User-Agent` becomes
        /// `stripe-typed/<version> <name>/<version> (<url>)` and `X-Stripe-Client-User-Agent`
        /// gains an `application` object with every field set. Both values are made here, once.
        ///
        /// Fails with [`ErrorKind::InvalidAppInfo`](crate::ErrorKind::InvalidAppInfo), naming
        /// the field, when a field is not printable ASCII (a control character such as a line
        /// break, or a non-ASCII character) or the name is empty.
        pub fn with_app_info(mut self, info: AppInfo) -> Result<Self, Error> {
            self.config.set_app_info(info)?;
            Ok(self)
        }

        /// The app info set with [`with_app_info`](Self::with_app_info), if any.
        pub fn app_info(&self) -> Option<&AppInfo> {
            self.config.app_info()
        }

        /// Reports every attempt to `hook` (method, path, status, `Request-Id`, attempt
        /// number, whether and why it will be retried, elapsed time, idempotency key; never
        /// the API key, parameter values or bodies), for logs and metrics: see
        /// [`Attempt`](crate::Attempt). It runs where the request is sent, after each attempt,
        /// so it should be quick.
        pub fn with_observer(
            mut self,
            hook: impl Fn(&crate::Attempt<'_>) + Send + Sync + 'static,
        ) -> Self {
            self.config.observer = Some(crate::observe::Observer::new(hook));
            self
        }

        /// Retries a failed request at most `retries` times (default 2; 0 disables retries).
        pub fn with_max_retries(mut self, retries: u32) -> Self {
            self.config.retry.max_retries = retries;
            self
        }

        /// Gives up on an attempt after `timeout` (default 80 s, as Stripe's libraries).
        pub fn with_timeout(mut self, timeout: Duration) -> Self {
            self.config.timeout = timeout;
            self
        }

        /// Waits between `initial` (default 0.5 s) and `max` (default 5 s) before a retry.
        pub fn with_retry_delays(mut self, initial: Duration, max: Duration) -> Self {
            self.config.retry.initial_delay = initial;
            self.config.retry.max_delay = max.max(initial);
            self
        }

        /// Reads at most `bytes` of a response body (default 32 MiB); a longer response fails
        /// with [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge).
        pub fn with_max_response_bytes(mut self, bytes: usize) -> Self {
            self.config.max_response_bytes = bytes;
            self
        }

        /// Sends uploads whose files total at most `bytes` (default
        /// [`DEFAULT_MAX_UPLOAD_BYTES`](crate::DEFAULT_MAX_UPLOAD_BYTES), 16 MiB); a larger one
        /// fails with [`ErrorKind::UploadTooLarge`](crate::ErrorKind::UploadTooLarge) before
        /// anything is sent.
        pub fn with_max_upload_bytes(mut self, bytes: usize) -> Self {
            self.config.max_upload_bytes = bytes;
            self
        }

        /// The base URL set with [`with_base_url`](Self::with_base_url), or
        /// `https://api.stripe.com` (then operations with their own server, such as uploads,
        /// go there).
        pub fn base_url(&self) -> &str {
            self.config.base_url()
        }

        /// The `Stripe-Version` requests carry unless they set their own
        /// ([`Request::api_version`](crate::Request::api_version)).
        pub fn default_api_version(&self) -> &str {
            &self.config.api_version
        }
    };
}
pub(crate) use config_methods;
