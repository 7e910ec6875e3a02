//! Unit-testing your own code that calls Stripe, with `rt::testing::FakeStripe` (feature
//! `testing`): the README's "Testing your code". `cargo test` runs the test below; `cargo run
//! -p stripe-typed --example testing --features testing` runs the code under test once
//! against a fake that times out.

use stripe_typed::resources::financial_connections_session::*;
use stripe_typed::rt::{Client, Error, Method, Secret};

/// The code under test: starts linking a customer's bank accounts, once per order (the
/// idempotency key makes a retried call safe), and returns the secret for Stripe.js.
pub async fn start_linking(
    client: &Client,
    customer: &str,
    order: &str,
) -> Result<Option<Secret>, Error> {
    let holder = CreateFinancialConnectionsSessionAccountHolder::new(
        BankConnectionsResourceAccountholderType::Customer,
    )
    .customer(customer);
    let params = CreateFinancialConnectionsSession::new(
        holder,
        vec![FinancialConnectionsSessionPermissions::Balances],
    )
    .filters(CreateFinancialConnectionsSessionFilters::new().countries(vec!["US".to_owned()]));
    let request =
        FinancialConnectionsSession::create(&params).idempotency_key(format!("link-{order}"));
    let session = client.send(request).await?;
    Ok(session.client_secret.flatten())
}

/// Runs the code under test once against a fake that times out, to show the error.
fn main() {
    let fake = stripe_typed::rt::testing::FakeStripe::new();
    fake.on(Method::Post, "/v1/financial_connections/sessions")
        .timeout()
        .timeout()
        .timeout();
    let result = stripe_typed::rt::testing::block_on(start_linking(&fake.client(), "cus_1", "42"));
    match result {
        Ok(_) => println!("linked"),
        Err(e) => println!("{e} (sent {} times)", fake.requests().len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stripe_typed::rt::testing::{block_on, FakeStripe};
    use stripe_typed::rt::{self, ErrorKind};

    /// What Stripe would answer: any generated response type, here decoded from JSON.
    fn session() -> FinancialConnectionsSession {
        rt::from_json(
            r#"{"id": "fcsess_1", "object": "financial_connections.session", "livemode": false,
                "accounts": {"object": "list", "data": [], "has_more": false, "url": "/v1/x"},
                "client_secret": "fcsess_client_secret_1", "permissions": ["balances"]}"#,
        )
        .expect("a session")
    }

    #[test]
    fn linking_retries_a_rate_limit_with_one_key_and_returns_the_secret() {
        let fake = FakeStripe::new();
        fake.on(Method::Post, "/v1/financial_connections/sessions")
            .rate_limited(Some(true)) // a 429 with `Stripe-Should-Retry: true`
            .reply(&session());

        let secret = block_on(start_linking(&fake.client(), "cus_1", "42")).expect("linked");
        assert_eq!(
            secret.as_ref().map(Secret::expose),
            Some("fcsess_client_secret_1")
        );

        let sent = fake.requests();
        assert_eq!(sent.len(), 2, "{sent:#?}");
        for request in &sent {
            assert_eq!(request.param("account_holder[type]"), Some("customer"));
            assert_eq!(request.param("account_holder[customer]"), Some("cus_1"));
            assert_eq!(request.param("filters[countries][0]"), Some("US"));
            assert_eq!(request.idempotency_key(), Some("link-42"));
        }
        assert_eq!(sent[1].attempt, 2);
        assert_eq!(fake.sleeps().len(), 1); // the pause was asked for, not waited
    }

    #[test]
    fn a_declined_request_is_an_api_error() {
        let fake = FakeStripe::new();
        fake.on(Method::Post, "/v1/financial_connections/sessions")
            .error(
                400,
                rt::ApiErrorType::InvalidRequestError,
                "resource_missing",
                "No such customer: 'cus_gone'",
            );
        let err = block_on(start_linking(&fake.client(), "cus_gone", "43")).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Api(e) if e.code.as_deref() == Some("resource_missing"))
        );
        assert_eq!(err.idempotency_key(), Some("link-43"));
    }
}
