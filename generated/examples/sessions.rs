//! Creates a Financial Connections Session for a new test customer, then retrieves it with its
//! accounts expanded.
//!
//! ```text
//! STRIPE_SECRET_KEY=sk_test_... cargo run -p stripe-typed --example sessions
//! ```
//!
//! `STRIPE_BASE_URL` points it elsewhere (default `https://api.stripe.com`), for example at
//! stripe-mock.

use std::collections::BTreeMap;
use std::process::ExitCode;

use stripe_typed::resources::financial_connections_session::{
    BankConnectionsResourceAccountholderType, CreateFinancialConnectionsSession,
    CreateFinancialConnectionsSessionAccountHolder, FinancialConnectionsSession,
    FinancialConnectionsSessionPermissions, RetrieveFinancialConnectionsSession,
};
use stripe_typed::rt::{self, Client, Method, Request};

async fn run(client: &Client) -> Result<(), rt::Error> {
    // The crate has no Customer type yet, so this call goes through the raw JSON escape hatch:
    // a map written with the empty key becomes top-level form fields.
    let customer_params = BTreeMap::from([(
        "description".to_owned(),
        "stripe-typed sessions example".to_owned(),
    )]);
    let customer: rt::Json = client
        .send(Request::new(Method::Post, "/v1/customers".to_owned()).form(&customer_params))
        .await?;
    let customer_id = customer["id"].as_str().unwrap_or_default().to_owned();
    println!("created customer {customer_id}");

    let holder = CreateFinancialConnectionsSessionAccountHolder::new(
        BankConnectionsResourceAccountholderType::Customer,
    )
    .customer(customer_id);
    let params = CreateFinancialConnectionsSession::new(
        holder,
        vec![
            FinancialConnectionsSessionPermissions::Balances,
            FinancialConnectionsSessionPermissions::PaymentMethod,
        ],
    );
    let session = client
        .send(FinancialConnectionsSession::create(&params))
        .await?;
    // `client_secret` prints as <redacted>. It is what the browser's Stripe.js needs to run
    // the authentication flow; since API version 2026-01-28.clover it may be absent or `null`
    // (`Option<Option<rt::Secret>>`), so check before handing it on.
    println!("created {session:#?}");
    match session.client_secret.as_ref().and_then(Option::as_ref) {
        Some(secret) => println!(
            "client secret for Stripe.js: {} bytes",
            secret.expose().len()
        ),
        None => println!("Stripe sent no client secret for {}", session.id),
    }

    let params = RetrieveFinancialConnectionsSession::new().expand(vec!["accounts".to_owned()]);
    let again = client
        .send(FinancialConnectionsSession::retrieve(&session.id, &params))
        .await?;
    println!(
        "retrieved {} with {} account(s), permissions {:?}",
        again.id,
        again.accounts.data.len(),
        again.permissions
    );
    Ok(())
}

fn main() -> ExitCode {
    let Ok(key) = std::env::var("STRIPE_SECRET_KEY") else {
        eprintln!("set STRIPE_SECRET_KEY to a test-mode secret key (sk_test_...)");
        return ExitCode::from(2);
    };
    let mut client = Client::new(key);
    if let Ok(base_url) = std::env::var("STRIPE_BASE_URL") {
        client = client.with_base_url(base_url);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("could not start a tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&client)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
