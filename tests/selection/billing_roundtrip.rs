//! Not part of this workspace: `cargo xtask whole-api` copies it into a scratch crate generated
//! with the billing selection (customer, subscription, invoice, price, product, payment intent,
//! charge, ...) and runs it there with `cargo test`.
//!
//! The documents have the shape of the pinned API version (2026-01-28.clover: a subscription's
//! billing period is on its items, an invoice line has a `subtotal`); fields that older versions
//! sent and the pinned spec no longer lists (`paid` on an invoice, `subscription` on a line)
//! are kept as unknown fields like any other.
//!
//! Real Stripe responses carry fields the spec does not document (`plan` on subscription items
//! and invoice lines, `source` on charges and payment intents, `type` on products,
//! `trial_period_days` on a price's `recurring`). Decoded into the generated types and encoded
//! again, every document below must come back unchanged: unknown fields at any depth, in lists,
//! in expanded objects, and numbers as they were sent (`19` stays `19`).

// The fixtures are large `json!` literals.
#![recursion_limit = "512"]

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use stripe_typed::resources::charge::Charge;
use stripe_typed::resources::invoice::Invoice;
use stripe_typed::resources::payment_intent::PaymentIntent;
use stripe_typed::resources::price::Price;
use stripe_typed::resources::product::Product;
use stripe_typed::resources::subscription::Subscription;
use stripe_typed::rt;

/// Decodes `v` from text as the client does, encodes it again and checks nothing changed.
fn round_trip<T: Serialize + DeserializeOwned>(v: &Value) -> T {
    let text = serde_json::to_string(v).unwrap();
    let typed: T = serde_json::from_str(&text).unwrap();
    let back = serde_json::to_string(&typed).unwrap();
    assert_eq!(&serde_json::from_str::<Value>(&back).unwrap(), v, "{back}");
    typed
}

fn plan() -> Value {
    json!({
        "id": "price_1OxYk2LkdIwHu7ixJ4sJZx0a", "object": "plan", "active": true,
        "aggregate_usage": null, "amount": 1900, "amount_decimal": "1900",
        "billing_scheme": "per_unit", "created": 1711000000, "currency": "usd",
        "interval": "month", "interval_count": 1, "livemode": false, "metadata": {},
        "nickname": null, "product": "prod_PnRVxPq9WbBeNs", "tiers_mode": null,
        "transform_usage": null, "trial_period_days": null, "usage_type": "licensed"
    })
}

fn price() -> Value {
    json!({
        "id": "price_1OxYk2LkdIwHu7ixJ4sJZx0a", "object": "price", "active": true,
        "billing_scheme": "per_unit", "created": 1711000000, "currency": "usd",
        "custom_unit_amount": null, "livemode": false, "lookup_key": null, "metadata": {},
        "nickname": null, "product": "prod_PnRVxPq9WbBeNs",
        "recurring": {"aggregate_usage": null, "interval": "month", "interval_count": 1,
            "trial_period_days": 14, "usage_type": "licensed"},
        "tax_behavior": "unspecified", "tiers_mode": null, "transform_quantity": null,
        "type": "recurring", "unit_amount": 1900, "unit_amount_decimal": "1900"
    })
}

fn customer() -> Value {
    json!({
        "id": "cus_NffrFeUfNV2Hib", "object": "customer", "address": null, "balance": 0,
        "created": 1680893993, "currency": null, "default_source": null, "delinquent": false,
        "description": null, "discount": null, "email": "jennyrosen@example.com",
        "invoice_prefix": "0759376C", "invoice_settings": {"custom_fields": null,
            "default_payment_method": null, "footer": null, "rendering_options": null},
        "livemode": false, "metadata": {}, "name": "Jenny Rosen", "next_invoice_sequence": 1,
        "phone": null, "preferred_locales": [], "shipping": null, "tax_exempt": "none",
        "test_clock": null,
        // Not in the spec's customer.
        "cards": {"object": "list", "data": [], "has_more": false, "url": "/v1/customers/cus_NffrFeUfNV2Hib/cards"}
    })
}

#[test]
fn a_subscription_keeps_plan_on_its_items_and_numbers_as_sent() {
    let item = json!({
        "id": "si_PnRVa2cXpsyH5W", "object": "subscription_item", "billing_thresholds": null,
        "created": 1711000001, "current_period_end": 1713678400, "current_period_start": 1711000000,
        "discounts": [], "metadata": {}, "plan": plan(), "price": price(),
        "quantity": 1, "subscription": "sub_1OxYk3LkdIwHu7ixs8r0hUQo", "tax_rates": []
    });
    let subscription = json!({
        "id": "sub_1OxYk3LkdIwHu7ixs8r0hUQo", "object": "subscription",
        "application": null, "application_fee_percent": 19, "automatic_tax": {"enabled": false, "liability": null},
        "billing_cycle_anchor": 1711000000, "billing_mode": {"type": "classic"},
        "billing_thresholds": null, "cancel_at": null,
        "cancel_at_period_end": false, "canceled_at": null,
        "cancellation_details": {"comment": null, "feedback": null, "reason": null},
        "collection_method": "charge_automatically", "created": 1711000000, "currency": "usd",
        // Expanded, with a field the spec does not list.
        "customer": customer(),
        "days_until_due": null, "default_payment_method": null, "default_source": null,
        "default_tax_rates": [], "description": null, "discount": null, "discounts": [],
        "ended_at": null, "invoice_settings": {"account_tax_ids": null, "issuer": {"type": "self"}},
        "items": {"object": "list", "data": [item], "has_more": false, "total_count": 1,
            "url": "/v1/subscription_items?subscription=sub_1OxYk3LkdIwHu7ixs8r0hUQo"},
        "latest_invoice": "in_1OxYk3LkdIwHu7ixKcTVBbBT", "livemode": false, "metadata": {},
        "next_pending_invoice_item_invoice": null, "on_behalf_of": null,
        "pause_collection": null,
        "payment_settings": {"payment_method_options": null, "payment_method_types": null,
            "save_default_payment_method": "off"},
        "pending_invoice_item_interval": null, "pending_setup_intent": null,
        "pending_update": null, "plan": plan(), "quantity": 1, "schedule": null,
        "start_date": 1711000000, "status": "active", "test_clock": null,
        "transfer_data": null, "trial_end": null,
        "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
        "trial_start": null
    });
    let typed: Subscription = round_trip(&subscription);
    assert_eq!(typed.items.data[0].extra.get("plan"), Some(plan()));
    let fee_percent = typed.application_fee_percent.clone().flatten();
    assert_eq!(fee_percent.and_then(|n| n.as_u64()), Some(19));
    let text = serde_json::to_string(&typed).unwrap();
    assert!(text.contains(r#""application_fee_percent":19,"#), "{text}");
    // A customer may come back deleted, so the spec's union keeps it as JSON: all of it.
    match &typed.customer {
        rt::Expandable::Object(customer) => assert!(customer.get("cards").is_some()),
        other => panic!("expected the expanded customer, got {other:?}"),
    }
}

#[test]
fn an_invoice_keeps_plan_on_its_lines() {
    let line = json!({
        "id": "il_1OxYk3LkdIwHu7ixZ0Jm3Kqs", "object": "line_item", "amount": 1900,
        "amount_excluding_tax": 1900, "currency": "usd", "description": "1 × Pro (at $19.00 / month)",
        "discount_amounts": [], "discountable": true, "discounts": [], "invoice": "in_1OxYk3LkdIwHu7ixKcTVBbBT",
        "livemode": false, "metadata": {}, "period": {"end": 1713678400, "start": 1711000000},
        "plan": plan(), "price": price(), "proration": false, "proration_details": {"credited_items": null},
        "quantity": 1, "subscription": "sub_1OxYk3LkdIwHu7ixs8r0hUQo",
        "subscription_item": "si_PnRVa2cXpsyH5W", "subtotal": 1900, "tax_amounts": [], "tax_rates": [],
        "type": "subscription", "unit_amount_excluding_tax": "1900"
    });
    let invoice = json!({
        "id": "in_1OxYk3LkdIwHu7ixKcTVBbBT", "object": "invoice", "account_country": "US",
        "account_name": "Stripe.com", "account_tax_ids": null, "amount_due": 1900,
        "amount_overpaid": 0, "amount_paid": 1900, "amount_remaining": 0, "amount_shipping": 0, "application": null,
        "application_fee_amount": null, "attempt_count": 1, "attempted": true,
        "auto_advance": false, "automatic_tax": {"enabled": false, "liability": null, "status": null},
        "billing_reason": "subscription_create", "charge": "ch_3OxYk4LkdIwHu7ix0a1b2c3d",
        "collection_method": "charge_automatically", "created": 1711000000, "currency": "usd",
        "custom_fields": null, "customer": "cus_NffrFeUfNV2Hib", "customer_address": null,
        "customer_email": "jennyrosen@example.com", "customer_name": "Jenny Rosen",
        "customer_phone": null, "customer_shipping": null, "customer_tax_exempt": "none",
        "customer_tax_ids": [], "default_payment_method": null, "default_source": null,
        "default_tax_rates": [], "description": null, "discount": null, "discounts": [],
        "due_date": null, "effective_at": 1711000000, "ending_balance": 0, "footer": null,
        "from_invoice": null, "hosted_invoice_url": "https://invoice.stripe.com/i/acct_1/test",
        "invoice_pdf": "https://pay.stripe.com/invoice/acct_1/test/pdf", "issuer": {"type": "self"},
        "last_finalization_error": null, "latest_revision": null,
        "lines": {"object": "list", "data": [line], "has_more": false, "total_count": 1,
            "url": "/v1/invoices/in_1OxYk3LkdIwHu7ixKcTVBbBT/lines"},
        "livemode": false, "metadata": {}, "next_payment_attempt": null,
        "number": "0759376C-0001", "on_behalf_of": null, "paid": true, "paid_out_of_band": false,
        "payment_intent": "pi_3OxYk4LkdIwHu7ix1EnjZ7pQ",
        "payment_settings": {"default_mandate": null, "payment_method_options": null,
            "payment_method_types": null},
        "period_end": 1711000000, "period_start": 1711000000,
        "post_payment_credit_notes_amount": 0, "pre_payment_credit_notes_amount": 0,
        "quote": null, "receipt_number": null, "rendering": null, "shipping_cost": null,
        "shipping_details": null, "starting_balance": 0, "statement_descriptor": null,
        "status": "paid", "status_transitions": {"finalized_at": 1711000000,
            "marked_uncollectible_at": null, "paid_at": 1711000002, "voided_at": null},
        "subscription": "sub_1OxYk3LkdIwHu7ixs8r0hUQo", "subscription_details": {"metadata": {}},
        "subtotal": 1900, "subtotal_excluding_tax": 1900, "tax": null, "test_clock": null,
        "total": 1900, "total_discount_amounts": [], "total_excluding_tax": 1900,
        "total_tax_amounts": [], "transfer_data": null, "webhooks_delivered_at": 1711000000
    });
    let typed: Invoice = round_trip(&invoice);
    assert_eq!(typed.lines.data[0].extra.get("plan"), Some(plan()));
}

fn card_source() -> Value {
    json!({
        "id": "card_1OxYk4LkdIwHu7ixw8oS6Wgm", "object": "card", "address_city": null,
        "address_country": null, "address_line1": null, "address_line1_check": null,
        "address_line2": null, "address_state": null, "address_zip": null,
        "address_zip_check": null, "brand": "Visa", "country": "US", "customer": null,
        "cvc_check": "pass", "dynamic_last4": null, "exp_month": 8, "exp_year": 2027,
        "fingerprint": "Xt5EWLLDS7FJjR1c", "funding": "credit", "last4": "4242", "metadata": {},
        "name": null, "tokenization_method": null, "wallet": null
    })
}

fn charge() -> Value {
    json!({
        "id": "ch_3OxYk4LkdIwHu7ix0a1b2c3d", "object": "charge", "amount": 1900,
        "amount_captured": 1900, "amount_refunded": 0, "application": null,
        "application_fee": null, "application_fee_amount": null,
        "balance_transaction": "txn_3OxYk4LkdIwHu7ix0xkWyE3a",
        "billing_details": {"address": {"city": null, "country": null, "line1": null,
            "line2": null, "postal_code": "42424", "state": null},
            "email": null, "name": null, "phone": null},
        "calculated_statement_descriptor": "STRIPE", "captured": true, "created": 1711000002,
        "currency": "usd", "customer": "cus_NffrFeUfNV2Hib", "description": null,
        "disputed": false, "failure_balance_transaction": null, "failure_code": null,
        "failure_message": null, "fraud_details": {}, "invoice": "in_1OxYk3LkdIwHu7ixKcTVBbBT",
        "livemode": false, "metadata": {}, "on_behalf_of": null,
        "outcome": {"network_status": "approved_by_network", "reason": null,
            "risk_level": "normal", "risk_score": 32, "seller_message": "Payment complete.",
            "type": "authorized"},
        "paid": true, "payment_intent": "pi_3OxYk4LkdIwHu7ix1EnjZ7pQ",
        "payment_method": "card_1OxYk4LkdIwHu7ixw8oS6Wgm", "receipt_email": null,
        "receipt_number": null, "receipt_url": "https://pay.stripe.com/receipts/test",
        "refunded": false, "review": null, "shipping": null, "source": card_source(),
        "source_transfer": null, "statement_descriptor": null,
        "statement_descriptor_suffix": null, "status": "succeeded", "transfer_data": null,
        "transfer_group": null
    })
}

#[test]
fn a_charge_keeps_its_source() {
    let typed: Charge = round_trip(&charge());
    assert_eq!(typed.extra.get("source"), Some(card_source()));
}

#[test]
fn a_payment_intent_keeps_source_and_its_expanded_charges() {
    // A payment intent with its charges expanded, as a webhook or `expand[]=charges` gives it.
    let intent: Value = serde_json::from_str(include_str!("payment_intent.json")).unwrap();
    let card = &intent["latest_charge"]["source"];
    assert_eq!(card, &card_source());
    let typed: PaymentIntent = round_trip(&intent);
    assert_eq!(typed.extra.get("source"), Some(Value::Null));
    assert!(typed.extra.get("charges").is_some());
    match &typed.latest_charge {
        Some(Some(rt::Expandable::Object(charge))) => {
            assert_eq!(charge.extra.get("source"), Some(card_source()));
            assert_eq!(charge.refunds.clone().flatten().map(|r| r.data.len()), Some(0));
        }
        other => panic!("expected the expanded charge, got {other:?}"),
    }
    assert!(!format!("{typed:?}").contains("secret_vZd2"));
}

#[test]
fn a_product_keeps_type_and_a_price_its_trial_period_days() {
    let product = json!({
        "id": "prod_PnRVxPq9WbBeNs", "object": "product", "active": true,
        "created": 1711000000, "default_price": "price_1OxYk2LkdIwHu7ixJ4sJZx0a",
        "description": null, "images": [], "livemode": false, "marketing_features": [],
        "metadata": {}, "name": "Pro", "package_dimensions": null, "shippable": null,
        "statement_descriptor": null, "tax_code": null, "type": "service", "unit_label": null,
        "updated": 1711000000, "url": null
    });
    let typed: Product = round_trip(&product);
    assert_eq!(typed.extra.get("type"), Some(json!("service")));
    let typed: Price = round_trip(&price());
    let recurring = typed.recurring.clone().flatten().expect("recurring");
    assert_eq!(recurring.extra.get("trial_period_days"), Some(json!(14)));
}
