//! The table: one row per exchange with a generated v2 operation, grouped by resource, and
//! what each fixture of `tests/fixtures/v2/` decodes to. A row's parameters are built by the
//! typed function's own builders (in a function of their own when they are long); what is sent
//! and answered is data.

use serde_json::json;
use stripe_typed::rt::{DateTime, Decimal};

use super::{
    account, account_link, account_token, adjustment, call, date_time, decimal, delete,
    destination, event, get, list_events_params, list_reply, map, metadata_update, meter_event,
    person, person_token, post, replaced, session, stream_events_params, strings, Row, ACCOUNT_ID,
    DESTINATION_ID, EVENT_ID, LIST_EVENTS_TARGET, PERSON_ID, PUBLISHABLE_KEY, SESSION_TOKEN,
};

/// Every row, by resource.
pub(super) fn rows() -> Vec<Row> {
    [
        billing(),
        accounts(),
        persons_and_tokens(),
        events_and_destinations(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

// ---------------------------------------------------------------------------------------------
// v2_billing_meter_event, v2_billing_meter_event_adjustment, v2_billing_meter_event_session
// ---------------------------------------------------------------------------------------------

fn billing() -> Vec<Row> {
    use adjustment::{
        CreateV2BillingMeterEventAdjustment, CreateV2BillingMeterEventAdjustmentCancel,
        V2BillingMeterEventAdjustment, V2BillingMeterEventAdjustmentStatus,
        V2BillingMeterEventAdjustmentType,
    };
    use meter_event::{CreateV2BillingMeterEvent, V2BillingMeterEvent};
    use session::{CreateV2BillingMeterEventSession, V2BillingMeterEventSession};

    let payload = || {
        map(&[
            ("stripe_customer_id", "cus_Rq7WnT8xYv2Lb4"),
            ("value", "25"),
        ])
    };
    vec![
        Row {
            op: "V2BillingMeterEvent::create",
            case: "every parameter",
            call: call(
                move || {
                    V2BillingMeterEvent::create(
                        &CreateV2BillingMeterEvent::new("api_requests".to_owned(), payload())
                            .identifier("batch-2026-01-15-0001")
                            .timestamp(date_time("2026-01-15T10:29:58+00:00")),
                    )
                },
                move |meter_event| {
                    assert_eq!(meter_event.object, "v2.billing.meter_event");
                    assert_eq!(meter_event.event_name, "api_requests");
                    assert_eq!(meter_event.identifier, "batch-2026-01-15-0001");
                    assert_eq!(meter_event.payload, payload());
                    assert_eq!(meter_event.created.as_str(), "2026-01-15T10:30:00.123Z");
                    assert_eq!(meter_event.timestamp.as_str(), "2026-01-15T10:29:58+00:00");
                    assert!(!meter_event.livemode);
                    assert_eq!(
                        meter_event.extra.get("processing"),
                        Some(json!("asynchronous"))
                    );
                },
            ),
            sent: post(
                "/v2/billing/meter_events",
                json!({
                    "event_name": "api_requests",
                    "identifier": "batch-2026-01-15-0001",
                    "payload": {"stripe_customer_id": "cus_Rq7WnT8xYv2Lb4", "value": "25"},
                    "timestamp": "2026-01-15T10:29:58+00:00",
                }),
            ),
            reply: fixture!("billing_meter_event").to_owned(),
        },
        // Only the required parameters: the optional ones are left out, not sent as `null`.
        Row {
            op: "V2BillingMeterEvent::create",
            case: "only the required parameters",
            call: call(
                move || {
                    V2BillingMeterEvent::create(&CreateV2BillingMeterEvent::new(
                        "api_requests".to_owned(),
                        payload(),
                    ))
                },
                |_| {},
            ),
            sent: post(
                "/v2/billing/meter_events",
                json!({
                    "event_name": "api_requests",
                    "payload": {"stripe_customer_id": "cus_Rq7WnT8xYv2Lb4", "value": "25"},
                }),
            ),
            reply: fixture!("billing_meter_event").to_owned(),
        },
        Row {
            op: "V2BillingMeterEventAdjustment::create",
            case: "",
            call: call(
                || {
                    V2BillingMeterEventAdjustment::create(
                        &CreateV2BillingMeterEventAdjustment::new(
                            CreateV2BillingMeterEventAdjustmentCancel::new(
                                "batch-2026-01-15-0001".to_owned(),
                            ),
                            "api_requests".to_owned(),
                            V2BillingMeterEventAdjustmentType::Cancel,
                        ),
                    )
                },
                |adjustment| {
                    assert_eq!(
                        adjustment.id.as_str(),
                        "mtr_adj_test_61RQt1mYc0bq5aA7F41Lq2Wd"
                    );
                    assert_eq!(adjustment.type_, V2BillingMeterEventAdjustmentType::Cancel);
                    assert_eq!(
                        adjustment.status,
                        V2BillingMeterEventAdjustmentStatus::Unknown("reconciling".to_owned())
                    );
                    assert_eq!(adjustment.cancel.identifier, "batch-2026-01-15-0001");
                    assert_eq!(
                        adjustment.cancel.extra.get("requested_by"),
                        Some(json!("dashboard_user"))
                    );
                    assert_eq!(adjustment.created.as_str(), "2026-01-15T11:02:17.450Z");
                },
            ),
            sent: post(
                "/v2/billing/meter_event_adjustments",
                json!({
                    "cancel": {"identifier": "batch-2026-01-15-0001"},
                    "event_name": "api_requests",
                    "type": "cancel",
                }),
            ),
            reply: fixture!("billing_meter_event_adjustment").to_owned(),
        },
        // A POST without parameters sends an empty object (the driver checks the text is `{}`).
        Row {
            op: "V2BillingMeterEventSession::create",
            case: "",
            call: call(
                || V2BillingMeterEventSession::create(&CreateV2BillingMeterEventSession::new()),
                |session| {
                    assert_eq!(session.id.as_str(), "mes_test_61RQt5Ut2Gn2k8RSw41Lq2WdKc");
                    assert_eq!(session.authentication_token.expose(), SESSION_TOKEN);
                    assert!(!format!("{session:?}").contains(SESSION_TOKEN));
                    assert_eq!(session.created.as_str(), "2026-01-15T11:05:00.000Z");
                    assert_eq!(session.expires_at.as_str(), "2026-01-15T11:20:00.000Z");
                    assert_eq!(
                        session.extra.get("max_requests_per_second"),
                        Some(json!(10000))
                    );
                },
            ),
            sent: post("/v2/billing/meter_event_session", json!({})),
            reply: fixture!("billing_meter_event_session").to_owned(),
        },
        // The stream has its own server in the spec; a client with a base URL (the loopback
        // one) sends it there instead, with the session's token as the key.
        Row {
            op: "V2BillingMeterEventSession::stream_events",
            case: "",
            call: call(
                || {
                    V2BillingMeterEventSession::stream_events(&stream_events_params())
                        .api_key(SESSION_TOKEN)
                },
                |accepted| assert_eq!(accepted, json!({})),
            ),
            sent: post(
                "/v2/billing/meter_event_stream",
                json!({
                    "events": [
                        {
                            "event_name": "api_requests",
                            "identifier": "batch-2026-01-15-0002",
                            "payload": {"stripe_customer_id": "cus_Rq7WnT8xYv2Lb4", "value": "3"},
                            "timestamp": "2026-01-15T11:06:00.250Z",
                        },
                        {
                            "event_name": "api_requests",
                            "payload": {"stripe_customer_id": "cus_Lk2Vb8Nm4Qx7Tz", "value": "1"},
                        },
                    ],
                }),
            )
            .key(SESSION_TOKEN)
            .server("https://meter-events.stripe.com"),
            reply: "{}".to_owned(),
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// v2_core_account, v2_core_account_link
// ---------------------------------------------------------------------------------------------

fn accounts() -> Vec<Row> {
    use account::{
        CloseV2CoreAccount, ListV2CoreAccount, RetrieveV2CoreAccount,
        RetrieveV2CoreAccountInclude as Include, V2CoreAccount,
        V2CoreAccountAppliedConfigurations as Applied, V2CoreAccountId,
    };

    let closed_reply = replaced(
        fixture!("account"),
        r#""closed": false"#,
        r#""closed": true"#,
    );
    vec![
        Row {
            op: "V2CoreAccount::create",
            case: "",
            call: call(
                || V2CoreAccount::create(&create_account_params()),
                |created| {
                    assert_account_fixture(&created);
                    assert_eq!(created.metadata, Some(map(&[("order_id", "6735")])));
                },
            ),
            sent: post(
                "/v2/core/accounts",
                json!({
                    "configuration": {
                        "customer": {
                            "automatic_indirect_tax": {"exempt": "none", "ip_address": "203.0.113.7"},
                            "billing": {
                                "invoice": {
                                    "custom_fields": [{"name": "PO number", "value": "PO-7781"}],
                                    "next_sequence": 7,
                                    "prefix": "JRS",
                                    "rendering": {"amount_tax_display": "include_inclusive_tax"},
                                },
                            },
                            "capabilities": {"automatic_indirect_tax": {"requested": true}},
                        },
                        "merchant": {
                            "capabilities": {
                                "card_payments": {"requested": true},
                                "link_payments": {"requested": false},
                            },
                            "card_payments": {"decline_on": {"avs_failure": true, "cvc_failure": true}},
                            "mcc": "5734",
                            "statement_descriptor": {"descriptor": "JENNY ROSEN CERAMICS", "prefix": "JROSEN"},
                        },
                    },
                    "contact_email": "jenny.rosen@example.com",
                    "dashboard": "full",
                    "defaults": {
                        "currency": "usd",
                        "locales": ["en-US", "fr-FR"],
                        "responsibilities": {"fees_collector": "stripe", "losses_collector": "stripe"},
                    },
                    "display_name": "Jenny Rosen Ceramics",
                    "identity": {
                        "attestations": {
                            "terms_of_service": {
                                "account": {
                                    "date": "2026-01-20T16:04:05Z",
                                    "ip": "203.0.113.7",
                                    "user_agent": "Mozilla/5.0 (X11; Linux x86_64)",
                                },
                            },
                        },
                        "country": "US",
                        "entity_type": "individual",
                        "individual": {
                            "address": {
                                "city": "San Francisco",
                                "country": "US",
                                "line1": "510 Townsend St",
                                "postal_code": "94103",
                                "state": "CA",
                            },
                            "date_of_birth": {"day": 14, "month": 2, "year": 1990},
                            "email": "jenny.rosen@example.com",
                            "given_name": "Jenny",
                            "id_numbers": [{"type": "us_ssn_last_4", "value": "6789"}],
                            "relationship": {
                                "executive": true,
                                "owner": true,
                                "percent_ownership": "100.00",
                                "title": "Founder",
                            },
                            "surname": "Rosen",
                        },
                    },
                    "include": ["identity", "requirements"],
                    "metadata": {"order_id": "6735"},
                }),
            ),
            reply: fixture!("account").to_owned(),
        },
        // An include this version does not know is sent as given.
        Row {
            op: "V2CoreAccount::retrieve",
            case: "includes, one unknown",
            call: call(
                || {
                    V2CoreAccount::retrieve(
                        &V2CoreAccountId::new(ACCOUNT_ID),
                        &RetrieveV2CoreAccount::new().include(vec![
                            Include::Identity,
                            Include::ConfigurationMerchant,
                            Include::Unknown("configuration.storer".to_owned()),
                        ]),
                    )
                },
                |account| assert_account_fixture(&account),
            ),
            sent: get(
                "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq?include[0]=identity\
                 &include[1]=configuration.merchant&include[2]=configuration.storer",
            ),
            reply: fixture!("account").to_owned(),
        },
        // Without parameters, no query string at all.
        Row {
            op: "V2CoreAccount::retrieve",
            case: "without parameters",
            call: call(
                || {
                    V2CoreAccount::retrieve(
                        &V2CoreAccountId::new(ACCOUNT_ID),
                        &RetrieveV2CoreAccount::new(),
                    )
                },
                |_| {},
            ),
            sent: get("/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq"),
            reply: fixture!("account").to_owned(),
        },
        Row {
            op: "V2CoreAccount::update",
            case: "",
            call: call(
                || {
                    V2CoreAccount::update(
                        &V2CoreAccountId::new(ACCOUNT_ID),
                        &update_account_params(),
                    )
                },
                |updated| {
                    assert_account_fixture(&updated);
                    assert_eq!(updated.metadata, Some(map(&[("tier", "gold")])));
                },
            ),
            sent: post(
                "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq",
                json!({
                    "configuration": {
                        "customer": {
                            "applied": true,
                            "automatic_indirect_tax": {"validate_location": "deferred"},
                        },
                        "merchant": {"capabilities": {"link_payments": {"requested": true}}},
                    },
                    "contact_phone": "+14155550123",
                    "display_name": "Jenny Rosen Ceramics & Co.",
                    "identity": {
                        "individual": {
                            "address": {"line2": "Studio 4"},
                            "metadata": {"nickname": null},
                            "phone": "+14155550123",
                        },
                    },
                    "include": ["identity"],
                    "metadata": {"order_id": null, "tier": "gold"},
                }),
            ),
            reply: replaced(
                fixture!("account"),
                r#""metadata": {"order_id": "6735"}"#,
                r#""metadata": {"tier": "gold"}"#,
            ),
        },
        Row {
            op: "V2CoreAccount::list",
            case: "",
            call: call(
                || {
                    V2CoreAccount::list(
                        &ListV2CoreAccount::new()
                            .applied_configurations(vec![Applied::Customer, Applied::Merchant])
                            .closed(false)
                            .limit(2),
                    )
                },
                |page| {
                    assert_eq!(page.data.len(), 2);
                    assert_account_fixture(&page.data[0]);
                    assert_eq!(page.data[1].id.as_str(), "acct_1RxB9zK7pLm2NvQw");
                    assert_eq!(
                        page.next_page_url.as_deref(),
                        Some("/v2/core/accounts?limit=2&page=page_3Rk9Lq2Wd")
                    );
                    assert_eq!(page.previous_page_url, None);
                },
            ),
            sent: get("/v2/core/accounts?applied_configurations[0]=customer\
                 &applied_configurations[1]=merchant&closed=false&limit=2"),
            reply: list_reply(
                &[
                    fixture!("account"),
                    &replaced(fixture!("account"), ACCOUNT_ID, "acct_1RxB9zK7pLm2NvQw"),
                ],
                Some("/v2/core/accounts?limit=2&page=page_3Rk9Lq2Wd"),
            ),
        },
        Row {
            op: "V2CoreAccount::close",
            case: "applied configurations",
            call: call(
                || {
                    V2CoreAccount::close(
                        &V2CoreAccountId::new(ACCOUNT_ID),
                        &CloseV2CoreAccount::new()
                            .applied_configurations(vec![Applied::Merchant, Applied::Customer]),
                    )
                },
                |closed| {
                    assert_eq!(closed.closed, Some(true));
                    assert_eq!(closed.id.as_str(), ACCOUNT_ID);
                },
            ),
            sent: post(
                "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/close",
                json!({"applied_configurations": ["merchant", "customer"]}),
            ),
            reply: closed_reply.clone(),
        },
        // Without parameters: `{}`.
        Row {
            op: "V2CoreAccount::close",
            case: "without parameters",
            call: call(
                || {
                    V2CoreAccount::close(
                        &V2CoreAccountId::new(ACCOUNT_ID),
                        &CloseV2CoreAccount::new(),
                    )
                },
                |_| {},
            ),
            sent: post("/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/close", json!({})),
            reply: closed_reply,
        },
        Row {
            op: "V2CoreAccountLink::create",
            case: "",
            call: call(
                || account_link::V2CoreAccountLink::create(&create_account_link_params()),
                |link| {
                    use account_link::{
                        V2CoreAccountLinkUseCaseAccountUpdateCollectionOptionsFields as Fields,
                        V2CoreAccountLinkUseCaseAccountUpdateConfigurations as Configuration,
                        V2CoreAccountLinkUseCaseType,
                    };

                    assert_eq!(link.account, ACCOUNT_ID);
                    assert_eq!(
                        link.url,
                        "https://connect.stripe.com/d/setup/s/_RxB6yK2Lm9Qv4Tn8/YWNjdF8xUnhCNGNRM21OdFo4dlBx"
                    );
                    assert_eq!(link.expires_at.as_str(), "2026-01-20T16:15:00.000Z");
                    assert_eq!(
                        link.use_case.type_,
                        V2CoreAccountLinkUseCaseType::AccountOnboarding
                    );
                    assert_eq!(link.use_case.account_update, None);
                    let onboarding = link
                        .use_case
                        .account_onboarding
                        .as_ref()
                        .expect("onboarding");
                    assert_eq!(
                        onboarding.configurations,
                        [
                            Configuration::Merchant,
                            Configuration::Unknown("storer".to_owned())
                        ]
                    );
                    assert_eq!(
                        onboarding
                            .collection_options
                            .as_ref()
                            .and_then(|o| o.fields.clone()),
                        Some(Fields::EventuallyDue)
                    );
                    assert_eq!(link.extra.get("branding_applied"), Some(json!(true)));
                },
            ),
            sent: post(
                "/v2/core/account_links",
                json!({
                    "account": ACCOUNT_ID,
                    "use_case": {
                        "account_onboarding": {
                            "collection_options": {"fields": "eventually_due", "future_requirements": "include"},
                            "configurations": ["merchant", "storer"],
                            "refresh_url": "https://jenny-rosen.example/onboarding/refresh",
                            "return_url": "https://jenny-rosen.example/onboarding/done",
                        },
                        "type": "account_onboarding",
                    },
                }),
            ),
            reply: fixture!("account_link").to_owned(),
        },
    ]
}

fn create_account_params() -> account::CreateV2CoreAccount {
    use account::*;

    let requested = CreateV2CoreAccountConfigurationMerchantCapabilitiesEpsPayments::new;
    let customer = CreateV2CoreAccountConfigurationCustomer::new()
        .automatic_indirect_tax(
            CreateV2CoreAccountConfigurationCustomerAutomaticIndirectTax::new()
                .exempt(V2CoreAccountConfigurationCustomerAutomaticIndirectTaxExempt::None)
                .ip_address("203.0.113.7"),
        )
        .billing(
            CreateV2CoreAccountConfigurationCustomerBilling::new().invoice(
                CreateV2CoreAccountConfigurationCustomerBillingInvoice::new()
                    .custom_fields(vec![
                        CreateV2CoreAccountConfigurationCustomerBillingInvoiceCustomFields::new(
                            "PO number".to_owned(),
                            "PO-7781".to_owned(),
                        ),
                    ])
                    .next_sequence(7)
                    .prefix("JRS")
                    .rendering(
                        CreateV2CoreAccountConfigurationCustomerBillingInvoiceRendering::new()
                            .amount_tax_display(
                                V2CoreAccountConfigurationCustomerBillingInvoiceRenderingAmountTaxDisplay::IncludeInclusiveTax,
                            ),
                    ),
            ),
        )
        .capabilities(
            CreateV2CoreAccountConfigurationCustomerCapabilities::new()
                .automatic_indirect_tax(requested(true)),
        );
    let merchant = CreateV2CoreAccountConfigurationMerchant::new()
        .capabilities(
            CreateV2CoreAccountConfigurationMerchantCapabilities::new()
                .card_payments(requested(true))
                .link_payments(requested(false)),
        )
        .card_payments(
            CreateV2CoreAccountConfigurationMerchantCardPayments::new().decline_on(
                CreateV2CoreAccountConfigurationMerchantCardPaymentsDeclineOn::new()
                    .avs_failure(true)
                    .cvc_failure(true),
            ),
        )
        .mcc("5734")
        .statement_descriptor(
            CreateV2CoreAccountConfigurationMerchantStatementDescriptor::new()
                .descriptor("JENNY ROSEN CERAMICS")
                .prefix("JROSEN"),
        );
    let individual = CreateV2CoreAccountIdentityIndividual::new()
        .address(
            CreateV2CoreAccountIdentityIndividualAddress::new("US".to_owned())
                .city("San Francisco")
                .line1("510 Townsend St")
                .postal_code("94103")
                .state("CA"),
        )
        .date_of_birth(CreateV2CoreAccountIdentityIndividualDateOfBirth::new(
            14, 2, 1990,
        ))
        .email("jenny.rosen@example.com")
        .given_name("Jenny")
        .id_numbers(vec![CreateV2CoreAccountIdentityIndividualIdNumbers::new(
            V2CoreAccountIdentityIndividualIdNumbersType::UsSsnLast4,
            "6789".to_owned(),
        )])
        .relationship(
            CreateV2CoreAccountIdentityIndividualRelationship::new()
                .executive(true)
                .owner(true)
                .percent_ownership(decimal("100.00"))
                .title("Founder"),
        )
        .surname("Rosen");
    CreateV2CoreAccount::new()
        .configuration(
            CreateV2CoreAccountConfiguration::new()
                .customer(customer)
                .merchant(merchant),
        )
        .contact_email("jenny.rosen@example.com")
        .dashboard(V2CoreAccountDashboard::Full)
        .defaults(
            CreateV2CoreAccountDefaults::new()
                .currency("usd")
                .locales(vec![
                    V2CoreAccountDefaultsLocales::EnUs,
                    V2CoreAccountDefaultsLocales::FrFr,
                ])
                .responsibilities(CreateV2CoreAccountDefaultsResponsibilities::new(
                    V2CoreAccountDefaultsResponsibilitiesFeesCollector::Stripe,
                    V2CoreAccountDefaultsResponsibilitiesLossesCollector::Stripe,
                )),
        )
        .display_name("Jenny Rosen Ceramics")
        .identity(
            CreateV2CoreAccountIdentity::new()
                .attestations(
                    CreateV2CoreAccountIdentityAttestations::new().terms_of_service(
                        CreateV2CoreAccountIdentityAttestationsTermsOfService::new().account(
                            CreateV2CoreAccountIdentityAttestationsTermsOfServiceAccount::new(
                                date_time("2026-01-20T16:04:05Z"),
                                "203.0.113.7".to_owned(),
                            )
                            .user_agent("Mozilla/5.0 (X11; Linux x86_64)"),
                        ),
                    ),
                )
                .country("US")
                .entity_type(V2CoreAccountIdentityEntityType::Individual)
                .individual(individual),
        )
        .include(vec![
            CreateV2CoreAccountInclude::Identity,
            CreateV2CoreAccountInclude::Requirements,
        ])
        .metadata(map(&[("order_id", "6735")]))
}

fn update_account_params() -> account::UpdateV2CoreAccount {
    use account::*;

    UpdateV2CoreAccount::new()
        .configuration(
            UpdateV2CoreAccountConfiguration::new()
                .customer(
                    UpdateV2CoreAccountConfigurationCustomer::new()
                        .applied(true)
                        .automatic_indirect_tax(
                            UpdateV2CoreAccountConfigurationCustomerAutomaticIndirectTax::new()
                                .validate_location(
                                    UpdateV2CoreAccountConfigurationCustomerAutomaticIndirectTaxValidateLocation::Deferred,
                                ),
                        ),
                )
                .merchant(
                    UpdateV2CoreAccountConfigurationMerchant::new().capabilities(
                        UpdateV2CoreAccountConfigurationMerchantCapabilities::new().link_payments(
                            UpdateV2CoreAccountConfigurationMerchantCapabilitiesEpsPayments::new()
                                .requested(true),
                        ),
                    ),
                ),
        )
        .contact_phone("+14155550123")
        .display_name("Jenny Rosen Ceramics & Co.")
        .identity(
            UpdateV2CoreAccountIdentity::new().individual(
                UpdateV2CoreAccountIdentityIndividual::new()
                    .address(UpdateV2CoreAccountIdentityIndividualAddress::new().line2("Studio 4"))
                    .metadata(metadata_update(&[("nickname", None)]))
                    .phone("+14155550123"),
            ),
        )
        .include(vec![UpdateV2CoreAccountInclude::Identity])
        .metadata(metadata_update(&[("order_id", None), ("tier", Some("gold"))]))
}

/// A configuration this version does not know is sent as given.
fn create_account_link_params() -> account_link::CreateV2CoreAccountLink {
    use account_link::{
        CreateV2CoreAccountLink, CreateV2CoreAccountLinkUseCase,
        CreateV2CoreAccountLinkUseCaseAccountOnboarding,
        CreateV2CoreAccountLinkUseCaseAccountOnboardingCollectionOptions,
        V2CoreAccountLinkUseCaseAccountUpdateCollectionOptionsFields as Fields,
        V2CoreAccountLinkUseCaseAccountUpdateCollectionOptionsFutureRequirements as FutureRequirements,
        V2CoreAccountLinkUseCaseAccountUpdateConfigurations as Configuration,
        V2CoreAccountLinkUseCaseType,
    };

    let onboarding = CreateV2CoreAccountLinkUseCaseAccountOnboarding::new(
        vec![
            Configuration::Merchant,
            Configuration::Unknown("storer".to_owned()),
        ],
        "https://jenny-rosen.example/onboarding/refresh".to_owned(),
    )
    .collection_options(
        CreateV2CoreAccountLinkUseCaseAccountOnboardingCollectionOptions::new()
            .fields(Fields::EventuallyDue)
            .future_requirements(FutureRequirements::Include),
    )
    .return_url("https://jenny-rosen.example/onboarding/done");
    CreateV2CoreAccountLink::new(
        ACCOUNT_ID.to_owned(),
        CreateV2CoreAccountLinkUseCase::new(V2CoreAccountLinkUseCaseType::AccountOnboarding)
            .account_onboarding(onboarding),
    )
}

// ---------------------------------------------------------------------------------------------
// v2_core_account_person, v2_core_account_person_token, v2_core_account_token
// ---------------------------------------------------------------------------------------------

fn persons_and_tokens() -> Vec<Row> {
    use account_token::{RetrieveV2CoreAccountToken, V2CoreAccountToken, V2CoreAccountTokenId};
    use person::{
        DeleteV2CoreAccountPerson, ListV2CoreAccountPerson, RetrieveV2CoreAccountPerson,
        V2CoreAccountPerson, V2CoreAccountPersonId,
    };
    use person_token::{
        RetrieveV2CoreAccountPersonToken, V2CoreAccountPersonToken, V2CoreAccountPersonTokenId,
    };

    const PERSON_TOKEN_ID: &str = "perstok_test_61RxB8qY4mM3nP0sT41Lq2WdKcXz";
    const ACCOUNT_TOKEN_ID: &str = "accttok_test_61RxB7pX3kL2mN9qR41Lq2WdKcVb";
    vec![
        Row {
            op: "V2CoreAccountPerson::create",
            case: "",
            call: call(
                || V2CoreAccountPerson::create(ACCOUNT_ID, &create_person_params()),
                |created| assert_person_fixture(&created),
            ),
            sent: post(
                "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/persons",
                json!({
                    "additional_addresses": [{
                        "city": "Oakland",
                        "country": "US",
                        "line1": "1 Broadway",
                        "postal_code": "94607",
                        "purpose": "registered",
                        "state": "CA",
                    }],
                    "additional_names": [{"full_name": "Jennifer Rosen-Smith", "purpose": "maiden"}],
                    "additional_terms_of_service": {
                        "account": {"date": "2026-01-22T09:15:00Z", "ip": "198.51.100.23"},
                    },
                    "address": {
                        "city": "San Francisco",
                        "country": "US",
                        "line1": "510 Townsend St",
                        "line2": "Suite 400",
                        "postal_code": "94103",
                        "state": "CA",
                    },
                    "date_of_birth": {"day": 3, "month": 11, "year": 1985},
                    "documents": {
                        "primary_verification": {
                            "front_back": {"back": "file_1RxB9aQ3mNtZ8vPqBk2", "front": "file_1RxB9aQ3mNtZ8vPqFr1"},
                            "type": "front_back",
                        },
                    },
                    "email": "jenny@jenny-rosen.example",
                    "given_name": "Jenny",
                    "id_numbers": [{"type": "us_ssn", "value": "000000000"}],
                    "legal_gender": "female",
                    "metadata": {"role": "cfo"},
                    "nationalities": ["US", "IE"],
                    "phone": "+14155550199",
                    "political_exposure": "none",
                    "relationship": {
                        "director": true,
                        "executive": true,
                        "owner": true,
                        "percent_ownership": "25.5",
                        "title": "CFO",
                    },
                    "script_names": {"kana": {"given_name": "ジェニー", "surname": "ローゼン"}},
                    "surname": "Rosen",
                }),
            ),
            reply: fixture!("person").to_owned(),
        },
        Row {
            op: "V2CoreAccountPerson::retrieve",
            case: "",
            call: call(
                || {
                    V2CoreAccountPerson::retrieve(
                        ACCOUNT_ID,
                        &V2CoreAccountPersonId::new(PERSON_ID),
                        &RetrieveV2CoreAccountPerson::new(),
                    )
                },
                |person| assert_person_fixture(&person),
            ),
            sent: get(
                "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/persons/person_test_61RS0CgWt5xBDGN8f41Lq2WdKcJk",
            ),
            reply: fixture!("person").to_owned(),
        },
        Row {
            op: "V2CoreAccountPerson::update",
            case: "",
            call: call(
                || {
                    V2CoreAccountPerson::update(
                        ACCOUNT_ID,
                        &V2CoreAccountPersonId::new(PERSON_ID),
                        &update_person_params(),
                    )
                },
                |updated| assert_person_fixture(&updated),
            ),
            sent: post(
                "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/persons/person_test_61RS0CgWt5xBDGN8f41Lq2WdKcJk",
                json!({
                    "address": {"line2": "Suite 410"},
                    "documents": {
                        "secondary_verification": {
                            "front_back": {"front": "file_1RxBAbQ3mNtZ8vPqUt1"},
                            "type": "front_back",
                        },
                    },
                    "metadata": {"department": "finance", "role": null},
                    "relationship": {"percent_ownership": "30", "title": "CFO & Treasurer"},
                }),
            ),
            reply: fixture!("person").to_owned(),
        },
        Row {
            op: "V2CoreAccountPerson::list",
            case: "",
            call: call(
                || {
                    V2CoreAccountPerson::list(
                        ACCOUNT_ID,
                        &ListV2CoreAccountPerson::new()
                            .limit(10)
                            .page("page_2Lq9Wd4Kc"),
                    )
                },
                |page| {
                    assert_eq!(page.data.len(), 1);
                    assert_person_fixture(&page.data[0]);
                    assert_eq!((page.next_page_url, page.previous_page_url), (None, None));
                },
            ),
            sent: get(
                "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/persons?limit=10&page=page_2Lq9Wd4Kc",
            ),
            reply: list_reply(&[fixture!("person")], None),
        },
        Row {
            op: "V2CoreAccountPerson::delete",
            case: "",
            call: call(
                || {
                    V2CoreAccountPerson::delete(
                        ACCOUNT_ID,
                        &V2CoreAccountPersonId::new(PERSON_ID),
                        &DeleteV2CoreAccountPerson::new(),
                    )
                },
                |deleted| {
                    assert_eq!(deleted.id, PERSON_ID);
                    assert_eq!(deleted.object.as_deref(), Some("v2.core.account_person"));
                    assert_eq!(deleted.extra.get("deleted"), Some(json!(true)));
                },
            ),
            sent: delete(
                "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/persons/person_test_61RS0CgWt5xBDGN8f41Lq2WdKcJk",
            ),
            reply: r#"{"id": "person_test_61RS0CgWt5xBDGN8f41Lq2WdKcJk",
        "object": "v2.core.account_person", "deleted": true}"#
                .to_owned(),
        },
        // Account and person tokens are made with the publishable key.
        Row {
            op: "V2CoreAccountPersonToken::create",
            case: "",
            call: call(
                || {
                    V2CoreAccountPersonToken::create(ACCOUNT_ID, &create_person_token_params())
                        .api_key(PUBLISHABLE_KEY)
                },
                |token| {
                    assert_eq!(token.id.as_str(), PERSON_TOKEN_ID);
                    assert_eq!(token.object, "v2.core.account_person_token");
                    assert!(token.used);
                    assert_eq!(token.expires_at.as_str(), "2026-01-22T09:20:03.511Z");
                    assert_eq!(token.extra.get("account"), Some(json!(ACCOUNT_ID)));
                },
            ),
            sent: post(
                "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/person_tokens",
                json!({
                    "additional_terms_of_service": {"account": {"shown_and_accepted": true}},
                    "address": {"country": "US", "postal_code": "94103"},
                    "given_name": "Jenny",
                    "id_numbers": [{"type": "us_ssn_last_4", "value": "6789"}],
                    "metadata": {"draft": null, "source": "onboarding_form"},
                    "political_exposure": "existing",
                    "relationship": {"percent_ownership": "0.5", "representative": true},
                    "surname": "Rosen",
                }),
            )
            .key(PUBLISHABLE_KEY),
            reply: fixture!("person_token").to_owned(),
        },
        Row {
            op: "V2CoreAccountPersonToken::retrieve",
            case: "",
            call: call(
                || {
                    V2CoreAccountPersonToken::retrieve(
                        ACCOUNT_ID,
                        &V2CoreAccountPersonTokenId::new(PERSON_TOKEN_ID),
                        &RetrieveV2CoreAccountPersonToken::new(),
                    )
                },
                |token| {
                    assert_eq!(token.id, V2CoreAccountPersonTokenId::new(PERSON_TOKEN_ID));
                    assert_eq!(token.created.as_str(), "2026-01-22T09:10:03.511Z");
                },
            ),
            sent: get(
                "/v2/core/accounts/acct_1RxB4cQ3mNtZ8vPq/person_tokens/perstok_test_61RxB8qY4mM3nP0sT41Lq2WdKcXz",
            ),
            reply: fixture!("person_token").to_owned(),
        },
        Row {
            op: "V2CoreAccountToken::create",
            case: "",
            call: call(
                || V2CoreAccountToken::create(&create_account_token_params()).api_key(PUBLISHABLE_KEY),
                |token| {
                    assert_eq!(token.id.as_str(), ACCOUNT_TOKEN_ID);
                    assert_eq!(token.object, "v2.core.account_token");
                    assert!(!token.used);
                    assert_eq!(token.created.as_str(), "2026-01-20T15:58:41.907Z");
                    assert_eq!(
                        token.extra.get("created_with"),
                        Some(json!("publishable_key"))
                    );
                },
            ),
            sent: post(
                "/v2/core/account_tokens",
                json!({
                    "contact_email": "jenny.rosen@example.com",
                    "display_name": "Jenny Rosen Ceramics",
                    "identity": {
                        "attestations": {
                            "persons_provided": {
                                "owners": true,
                                "ownership_exemption_reason": "qualifies_as_financial_institution",
                            },
                            "terms_of_service": {"account": {"shown_and_accepted": true}},
                        },
                        "business_details": {
                            "annual_revenue": {
                                "amount": {"currency": "usd", "value": 12_500_000},
                                "fiscal_year_end": "12-31",
                            },
                            "estimated_worker_count": 4,
                            "id_numbers": [{"type": "us_ein", "value": "12-3456789"}],
                            "registered_name": "Jenny Rosen Ceramics LLC",
                            "structure": "single_member_llc",
                        },
                        "entity_type": "company",
                    },
                }),
            )
            .key(PUBLISHABLE_KEY),
            reply: fixture!("account_token").to_owned(),
        },
        Row {
            op: "V2CoreAccountToken::retrieve",
            case: "",
            call: call(
                || {
                    V2CoreAccountToken::retrieve(
                        &V2CoreAccountTokenId::new(ACCOUNT_TOKEN_ID),
                        &RetrieveV2CoreAccountToken::new(),
                    )
                },
                |token| {
                    assert_eq!(token.id, V2CoreAccountTokenId::new(ACCOUNT_TOKEN_ID));
                    assert_eq!(token.expires_at.as_str(), "2026-01-20T16:08:41.907Z");
                },
            ),
            sent: get("/v2/core/account_tokens/accttok_test_61RxB7pX3kL2mN9qR41Lq2WdKcVb"),
            reply: fixture!("account_token").to_owned(),
        },
    ]
}

fn create_person_params() -> person::CreateV2CoreAccountPerson {
    use person::*;

    CreateV2CoreAccountPerson::new()
        .additional_addresses(vec![CreateV2CoreAccountPersonAdditionalAddresses::new(
            "US".to_owned(),
            V2CoreAccountPersonAdditionalAddressesPurpose::Registered,
        )
        .city("Oakland")
        .line1("1 Broadway")
        .postal_code("94607")
        .state("CA")])
        .additional_names(vec![CreateV2CoreAccountPersonAdditionalNames::new(
            V2CoreAccountPersonAdditionalNamesPurpose::Maiden,
        )
        .full_name("Jennifer Rosen-Smith")])
        .additional_terms_of_service(
            CreateV2CoreAccountPersonAdditionalTermsOfService::new().account(
                CreateV2CoreAccountPersonAdditionalTermsOfServiceAccount::new(
                    date_time("2026-01-22T09:15:00Z"),
                    "198.51.100.23".to_owned(),
                ),
            ),
        )
        .address(
            CreateV2CoreAccountPersonAddress::new("US".to_owned())
                .city("San Francisco")
                .line1("510 Townsend St")
                .line2("Suite 400")
                .postal_code("94103")
                .state("CA"),
        )
        .date_of_birth(CreateV2CoreAccountPersonDateOfBirth::new(3, 11, 1985))
        .documents(
            CreateV2CoreAccountPersonDocuments::new().primary_verification(
                CreateV2CoreAccountPersonDocumentsPrimaryVerification::new(
                    CreateV2CoreAccountPersonDocumentsPrimaryVerificationFrontBack::new(
                        "file_1RxB9aQ3mNtZ8vPqFr1".to_owned(),
                    )
                    .back("file_1RxB9aQ3mNtZ8vPqBk2"),
                    V2CoreAccountPersonDocumentsPrimaryVerificationType::FrontBack,
                ),
            ),
        )
        .email("jenny@jenny-rosen.example")
        .given_name("Jenny")
        .id_numbers(vec![CreateV2CoreAccountPersonIdNumbers::new(
            V2CoreAccountPersonIdNumbersType::UsSsn,
            "000000000".to_owned(),
        )])
        .legal_gender(V2CoreAccountPersonLegalGender::Female)
        .metadata(map(&[("role", "cfo")]))
        .nationalities(strings(&["US", "IE"]))
        .phone("+14155550199")
        .political_exposure(V2CoreAccountPersonPoliticalExposure::None)
        .relationship(
            CreateV2CoreAccountPersonRelationship::new()
                .director(true)
                .executive(true)
                .owner(true)
                .percent_ownership(decimal("25.5"))
                .title("CFO"),
        )
        .script_names(
            CreateV2CoreAccountPersonScriptNames::new().kana(
                CreateV2CoreAccountPersonScriptNamesKana::new()
                    .given_name("ジェニー")
                    .surname("ローゼン"),
            ),
        )
        .surname("Rosen")
}

fn update_person_params() -> person::UpdateV2CoreAccountPerson {
    use person::*;

    UpdateV2CoreAccountPerson::new()
        .address(UpdateV2CoreAccountPersonAddress::new().line2("Suite 410"))
        .documents(
            UpdateV2CoreAccountPersonDocuments::new().secondary_verification(
                UpdateV2CoreAccountPersonDocumentsSecondaryVerification::new(
                    UpdateV2CoreAccountPersonDocumentsSecondaryVerificationFrontBack::new()
                        .front("file_1RxBAbQ3mNtZ8vPqUt1"),
                    V2CoreAccountPersonDocumentsPrimaryVerificationType::FrontBack,
                ),
            ),
        )
        .metadata(metadata_update(&[
            ("department", Some("finance")),
            ("role", None),
        ]))
        .relationship(
            UpdateV2CoreAccountPersonRelationship::new()
                .percent_ownership(decimal("30"))
                .title("CFO & Treasurer"),
        )
}

fn create_person_token_params() -> person_token::CreateV2CoreAccountPersonToken {
    use person_token::*;

    CreateV2CoreAccountPersonToken::new()
        .additional_terms_of_service(
            CreateV2CoreAccountPersonTokenAdditionalTermsOfService::new().account(
                CreateV2CoreAccountPersonTokenAdditionalTermsOfServiceAccount::new()
                    .shown_and_accepted(true),
            ),
        )
        .address(
            CreateV2CoreAccountPersonTokenAddress::new()
                .country("US")
                .postal_code("94103"),
        )
        .given_name("Jenny")
        .id_numbers(vec![CreateV2CoreAccountPersonTokenIdNumbers::new(
            CreateV2CoreAccountPersonTokenIdNumbersType::UsSsnLast4,
            "6789".to_owned(),
        )])
        .metadata(metadata_update(&[
            ("draft", None),
            ("source", Some("onboarding_form")),
        ]))
        .political_exposure(CreateV2CoreAccountPersonTokenPoliticalExposure::Existing)
        .relationship(
            CreateV2CoreAccountPersonTokenRelationship::new()
                .percent_ownership(decimal("0.5"))
                .representative(true),
        )
        .surname("Rosen")
}

fn create_account_token_params() -> account_token::CreateV2CoreAccountToken {
    use account_token::*;

    let business = CreateV2CoreAccountTokenIdentityBusinessDetails::new()
        .annual_revenue(
            CreateV2CoreAccountTokenIdentityBusinessDetailsAnnualRevenue::new()
                .amount(
                    CreateV2CoreAccountTokenIdentityBusinessDetailsAnnualRevenueAmount::new()
                        .currency("usd")
                        .value(12_500_000),
                )
                .fiscal_year_end("12-31"),
        )
        .estimated_worker_count(4)
        .id_numbers(vec![
            CreateV2CoreAccountTokenIdentityBusinessDetailsIdNumbers::new(
                CreateV2CoreAccountTokenIdentityBusinessDetailsIdNumbersType::UsEin,
                "12-3456789".to_owned(),
            ),
        ])
        .registered_name("Jenny Rosen Ceramics LLC")
        .structure(CreateV2CoreAccountTokenIdentityBusinessDetailsStructure::SingleMemberLlc);
    let attestations = CreateV2CoreAccountTokenIdentityAttestations::new()
        .persons_provided(
            CreateV2CoreAccountTokenIdentityAttestationsPersonsProvided::new()
                .owners(true)
                .ownership_exemption_reason(
                    CreateV2CoreAccountTokenIdentityAttestationsPersonsProvidedOwnershipExemptionReason::QualifiesAsFinancialInstitution,
                ),
        )
        .terms_of_service(CreateV2CoreAccountTokenIdentityAttestationsTermsOfService::new().account(
            CreateV2CoreAccountTokenIdentityAttestationsTermsOfServiceAccount::new()
                .shown_and_accepted(true),
        ));
    CreateV2CoreAccountToken::new()
        .contact_email("jenny.rosen@example.com")
        .display_name("Jenny Rosen Ceramics")
        .identity(
            CreateV2CoreAccountTokenIdentity::new()
                .attestations(attestations)
                .business_details(business)
                .entity_type(CreateV2CoreAccountTokenIdentityEntityType::Company),
        )
}

// ---------------------------------------------------------------------------------------------
// v2_core_event, v2_core_event_destination
// ---------------------------------------------------------------------------------------------

fn events_and_destinations() -> Vec<Row> {
    use destination::{
        DeleteV2CoreEventDestination, DisableV2CoreEventDestination, EnableV2CoreEventDestination,
        ListV2CoreEventDestination, ListV2CoreEventDestinationInclude, PingV2CoreEventDestination,
        RetrieveV2CoreEventDestination, RetrieveV2CoreEventDestinationInclude,
        V2CoreEventDestination,
        V2CoreEventDestinationAmazonEventbridgeAwsEventSourceStatus as SourceStatus,
        V2CoreEventDestinationId, V2CoreEventDestinationStatus,
        V2CoreEventDestinationStatusDetailsDisabledReason as Reason, V2CoreEventDestinationType,
    };
    use event::{RetrieveV2CoreEvent, V2CoreEvent, V2CoreEventId, V2CoreEventReasonType};

    const EVENTBRIDGE_ID: &str = "ed_test_61RxCAoQ3cW5xR1e941Lq2WdKcBb";
    vec![
        Row {
            op: "V2CoreEvent::retrieve",
            case: "",
            call: call(
                || V2CoreEvent::retrieve(&V2CoreEventId::new(EVENT_ID), &RetrieveV2CoreEvent::new()),
                |event| assert_event_fixture(&event),
            ),
            sent: get("/v2/core/events/evt_test_65RxD2kM8pQ1vT7y441Lq2WdKcEe"),
            reply: fixture!("event").to_owned(),
        },
        Row {
            op: "V2CoreEvent::list",
            case: "",
            call: call(
                || V2CoreEvent::list(&list_events_params()),
                |page| {
                    assert_eq!(page.data.len(), 2);
                    assert_event_fixture(&page.data[0]);
                    assert_eq!(
                        page.data[1].id.as_str(),
                        "evt_test_65RxD3lN9qR2wU8z541Lq2WdKcFf"
                    );
                    assert_eq!(
                        page.data[1].reason.as_ref().map(|r| r.type_.clone()),
                        Some(V2CoreEventReasonType::Unknown("scheduled".to_owned()))
                    );
                    assert_eq!(page.next_page_url, None);
                },
            ),
            sent: get(LIST_EVENTS_TARGET),
            reply: list_reply(
                &[
                    fixture!("event"),
                    &replaced(
                        &replaced(
                            fixture!("event"),
                            EVENT_ID,
                            "evt_test_65RxD3lN9qR2wU8z541Lq2WdKcFf",
                        ),
                        r#""type": "request","#,
                        r#""type": "scheduled","#,
                    ),
                ],
                None,
            ),
        },
        Row {
            op: "V2CoreEventDestination::create",
            case: "webhook endpoint",
            call: call(
                || V2CoreEventDestination::create(&create_webhook_destination_params()),
                |created| {
                    assert_webhook_destination(&created);
                    assert_eq!(created.status, V2CoreEventDestinationStatus::Enabled);
                    assert_eq!(created.status_details, None);
                },
            ),
            sent: post(
                "/v2/core/event_destinations",
                json!({
                    "description": "Meter errors for the finance team",
                    "enabled_events": [
                        "v1.billing.meter.error_report_triggered",
                        "v1.billing.meter.no_meter_found",
                    ],
                    "event_payload": "thin",
                    "events_from": ["self", "other_accounts"],
                    "include": ["webhook_endpoint.signing_secret", "webhook_endpoint.url"],
                    "metadata": {"team": "finance"},
                    "name": "finance-meter-alerts",
                    "type": "webhook_endpoint",
                    "webhook_endpoint": {"url": "https://hooks.jenny-rosen.example/stripe"},
                }),
            ),
            reply: fixture!("event_destination").to_owned(),
        },
        // An Amazon EventBridge destination; its source status `unknown` is a value of the
        // spec's own (kept apart from values this version does not know).
        Row {
            op: "V2CoreEventDestination::create",
            case: "Amazon EventBridge",
            call: call(
                || V2CoreEventDestination::create(&create_eventbridge_destination_params()),
                |created| {
                    let bridge = created.amazon_eventbridge.as_ref().expect("eventbridge");
                    assert_eq!(bridge.aws_event_source_status, SourceStatus::Unknown);
                    assert_eq!(created.status, V2CoreEventDestinationStatus::Disabled);
                    assert_eq!(
                        created
                            .status_details
                            .as_ref()
                            .and_then(|d| d.disabled.as_ref())
                            .map(|d| d.reason.clone()),
                        Some(Reason::NoAwsEventSourceExists)
                    );
                    assert_eq!(created.webhook_endpoint, None);
                    assert_eq!(created.description, "");
                },
            ),
            sent: post(
                "/v2/core/event_destinations",
                json!({
                    "amazon_eventbridge": {"aws_account_id": "123456789012", "aws_region": "eu-west-1"},
                    "enabled_events": ["v1.billing.meter.no_meter_found"],
                    "event_payload": "snapshot",
                    "name": "eventbridge-eu",
                    "snapshot_api_version": "2026-01-28.clover",
                    "type": "amazon_eventbridge",
                }),
            ),
            reply: fixture!("event_destination_eventbridge").to_owned(),
        },
        // A source status this version does not know, unlike the spec's own `unknown`.
        Row {
            op: "V2CoreEventDestination::retrieve",
            case: "",
            call: call(
                || {
                    V2CoreEventDestination::retrieve(
                        &V2CoreEventDestinationId::new(EVENTBRIDGE_ID),
                        &RetrieveV2CoreEventDestination::new().include(vec![
                            RetrieveV2CoreEventDestinationInclude::WebhookEndpointUrl,
                        ]),
                    )
                },
                |destination| {
                    assert_eq!(destination.id, V2CoreEventDestinationId::new(EVENTBRIDGE_ID));
                    assert_eq!(
                        destination
                            .amazon_eventbridge
                            .map(|b| b.aws_event_source_status),
                        Some(SourceStatus::UnknownValue("suspended".to_owned()))
                    );
                    assert_eq!(destination.updated.as_str(), "2026-01-23T13:45:10.000Z");
                },
            ),
            sent: get(
                "/v2/core/event_destinations/ed_test_61RxCAoQ3cW5xR1e941Lq2WdKcBb?include[0]=webhook_endpoint.url",
            ),
            reply: replaced(
                fixture!("event_destination_eventbridge"),
                r#""aws_event_source_status": "unknown""#,
                r#""aws_event_source_status": "suspended""#,
            ),
        },
        Row {
            op: "V2CoreEventDestination::update",
            case: "",
            call: call(
                || {
                    V2CoreEventDestination::update(
                        &V2CoreEventDestinationId::new(DESTINATION_ID),
                        &update_destination_params(),
                    )
                },
                |updated| assert_webhook_destination(&updated),
            ),
            sent: post(
                "/v2/core/event_destinations/ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa",
                json!({
                    "description": "Meter errors for billing operations",
                    "enabled_events": ["v1.billing.meter.error_report_triggered"],
                    "include": ["webhook_endpoint.url"],
                    "metadata": {"owner": "billing-ops", "team": null},
                    "name": "billing-meter-alerts",
                    "webhook_endpoint": {"url": "https://hooks.jenny-rosen.example/stripe/v2"},
                }),
            ),
            reply: fixture!("event_destination").to_owned(),
        },
        Row {
            op: "V2CoreEventDestination::list",
            case: "",
            call: call(
                || {
                    V2CoreEventDestination::list(
                        &ListV2CoreEventDestination::new()
                            .include(vec![ListV2CoreEventDestinationInclude::WebhookEndpointUrl])
                            .limit(2)
                            .page("page_7Hs2Lq9Wd"),
                    )
                },
                |page| {
                    assert_eq!(page.data.len(), 2);
                    assert_webhook_destination(&page.data[0]);
                    assert_eq!(
                        page.data[1].type_,
                        V2CoreEventDestinationType::AmazonEventbridge
                    );
                    assert_eq!(
                        page.next_page_url.as_deref(),
                        Some("/v2/core/event_destinations?limit=2&page=page_8Jt3Mr0Xe")
                    );
                },
            ),
            sent: get(
                "/v2/core/event_destinations?include[0]=webhook_endpoint.url&limit=2&page=page_7Hs2Lq9Wd",
            ),
            reply: list_reply(
                &[
                    fixture!("event_destination"),
                    fixture!("event_destination_eventbridge"),
                ],
                Some("/v2/core/event_destinations?limit=2&page=page_8Jt3Mr0Xe"),
            ),
        },
        Row {
            op: "V2CoreEventDestination::delete",
            case: "",
            call: call(
                || {
                    V2CoreEventDestination::delete(
                        &V2CoreEventDestinationId::new(DESTINATION_ID),
                        &DeleteV2CoreEventDestination::new(),
                    )
                },
                |deleted| {
                    assert_eq!(deleted.id, DESTINATION_ID);
                    assert_eq!(deleted.object.as_deref(), Some("v2.core.event_destination"));
                    assert_eq!(deleted.extra.len(), 0);
                },
            ),
            sent: delete("/v2/core/event_destinations/ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa"),
            reply: r#"{"id": "ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa", "object": "v2.core.event_destination"}"#
                .to_owned(),
        },
        Row {
            op: "V2CoreEventDestination::disable",
            case: "",
            call: call(
                || {
                    V2CoreEventDestination::disable(
                        &V2CoreEventDestinationId::new(DESTINATION_ID),
                        &DisableV2CoreEventDestination::new(),
                    )
                },
                |disabled| {
                    assert_webhook_destination(&disabled);
                    assert_eq!(disabled.status, V2CoreEventDestinationStatus::Disabled);
                    assert_eq!(
                        disabled
                            .status_details
                            .and_then(|d| d.disabled)
                            .map(|d| d.reason),
                        Some(Reason::Unknown("endpoint_unreachable".to_owned()))
                    );
                },
            ),
            sent: post(
                "/v2/core/event_destinations/ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa/disable",
                json!({}),
            ),
            reply: replaced(
                &replaced(
                    fixture!("event_destination"),
                    r#""status": "enabled""#,
                    r#""status": "disabled""#,
                ),
                r#""status_details": null"#,
                r#""status_details": {"disabled": {"reason": "endpoint_unreachable"}}"#,
            ),
        },
        Row {
            op: "V2CoreEventDestination::enable",
            case: "",
            call: call(
                || {
                    V2CoreEventDestination::enable(
                        &V2CoreEventDestinationId::new(DESTINATION_ID),
                        &EnableV2CoreEventDestination::new(),
                    )
                },
                |enabled| {
                    assert_webhook_destination(&enabled);
                    assert_eq!(enabled.status, V2CoreEventDestinationStatus::Enabled);
                },
            ),
            sent: post(
                "/v2/core/event_destinations/ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa/enable",
                json!({}),
            ),
            reply: fixture!("event_destination").to_owned(),
        },
        // A ping answers with the event it sent, not the destination.
        Row {
            op: "V2CoreEventDestination::ping",
            case: "",
            call: call(
                || {
                    V2CoreEventDestination::ping(
                        &V2CoreEventDestinationId::new(DESTINATION_ID),
                        &PingV2CoreEventDestination::new(),
                    )
                },
                |ping| {
                    assert_eq!(ping.type_, "v2.core.event_destination.ping");
                    assert_eq!(ping.created.as_str(), "2026-01-24T08:00:00.001Z");
                    assert_eq!((ping.context.as_deref(), ping.data.as_ref()), (None, None));
                    let reason = ping.reason.as_ref().expect("reason");
                    assert_eq!(
                        reason.type_,
                        V2CoreEventReasonType::Unknown("dashboard".to_owned())
                    );
                    assert_eq!(reason.request, None);
                    let related = ping.related_object.as_ref().expect("related object");
                    assert_eq!(related.id, DESTINATION_ID);
                    assert_eq!(related.type_, "v2.core.event_destination");
                },
            ),
            sent: post(
                "/v2/core/event_destinations/ed_test_61RxC9nP2bV4wQ0d841Lq2WdKcAa/ping",
                json!({}),
            ),
            reply: fixture!("event_ping").to_owned(),
        },
    ]
}

fn create_webhook_destination_params() -> destination::CreateV2CoreEventDestination {
    use destination::*;

    CreateV2CoreEventDestination::new(
        strings(&[
            "v1.billing.meter.error_report_triggered",
            "v1.billing.meter.no_meter_found",
        ]),
        V2CoreEventDestinationEventPayload::Thin,
        "finance-meter-alerts".to_owned(),
        V2CoreEventDestinationType::WebhookEndpoint,
    )
    .description("Meter errors for the finance team")
    .events_from(vec![
        V2CoreEventDestinationEventsFrom::Self_,
        V2CoreEventDestinationEventsFrom::OtherAccounts,
    ])
    .include(vec![
        CreateV2CoreEventDestinationInclude::WebhookEndpointSigningSecret,
        CreateV2CoreEventDestinationInclude::WebhookEndpointUrl,
    ])
    .metadata(map(&[("team", "finance")]))
    .webhook_endpoint(CreateV2CoreEventDestinationWebhookEndpoint::new(
        "https://hooks.jenny-rosen.example/stripe".to_owned(),
    ))
}

fn create_eventbridge_destination_params() -> destination::CreateV2CoreEventDestination {
    use destination::*;

    CreateV2CoreEventDestination::new(
        strings(&["v1.billing.meter.no_meter_found"]),
        V2CoreEventDestinationEventPayload::Snapshot,
        "eventbridge-eu".to_owned(),
        V2CoreEventDestinationType::AmazonEventbridge,
    )
    .amazon_eventbridge(CreateV2CoreEventDestinationAmazonEventbridge::new(
        "123456789012".to_owned(),
        "eu-west-1".to_owned(),
    ))
    .snapshot_api_version("2026-01-28.clover")
}

fn update_destination_params() -> destination::UpdateV2CoreEventDestination {
    use destination::*;

    UpdateV2CoreEventDestination::new()
        .description("Meter errors for billing operations")
        .enabled_events(strings(&["v1.billing.meter.error_report_triggered"]))
        .include(vec![
            UpdateV2CoreEventDestinationInclude::WebhookEndpointUrl,
        ])
        .metadata(metadata_update(&[
            ("owner", Some("billing-ops")),
            ("team", None),
        ]))
        .name("billing-meter-alerts")
        .webhook_endpoint(UpdateV2CoreEventDestinationWebhookEndpoint::new(
            "https://hooks.jenny-rosen.example/stripe/v2".to_owned(),
        ))
}

// ---------------------------------------------------------------------------------------------
// What the fixtures decode to
// ---------------------------------------------------------------------------------------------

/// What `account.json` decodes to, checked for every operation that answers with it.
fn assert_account_fixture(account: &account::V2CoreAccount) {
    use account::{
        V2CoreAccountAppliedConfigurations as Applied,
        V2CoreAccountConfigurationMerchantCapabilitiesEpsPaymentsStatus as Status,
        V2CoreAccountConfigurationMerchantCapabilitiesEpsPaymentsStatusDetailsCode as Code,
        V2CoreAccountDashboard, V2CoreAccountDefaultsLocales as Locale,
        V2CoreAccountIdentityEntityType, V2CoreAccountRequirementsEntriesMinimumDeadlineStatus,
    };

    assert_eq!(account.id.as_str(), ACCOUNT_ID);
    assert_eq!(account.object, "v2.core.account");
    assert_eq!(
        account.applied_configurations,
        [Applied::Customer, Applied::Merchant]
    );
    assert_eq!(account.created.as_str(), "2026-01-20T16:04:05.123456Z");
    assert_eq!(account.dashboard, Some(V2CoreAccountDashboard::Full));
    assert_eq!(account.contact_phone, None);
    assert_eq!(account.future_requirements, None);
    assert_eq!(
        account.extra.get("risk_controls"),
        Some(json!({"payouts": {"paused": false}}))
    );

    let configuration = account.configuration.as_ref().expect("configuration");
    assert!(configuration.recipient.is_none());
    let customer = configuration.customer.as_ref().expect("customer");
    let invoice = customer
        .billing
        .as_ref()
        .and_then(|b| b.invoice.as_ref())
        .expect("invoice");
    assert_eq!(invoice.custom_fields[0].value, "PO-7781");
    assert_eq!(invoice.next_sequence, Some(7));
    let merchant = configuration.merchant.as_ref().expect("merchant");
    let capabilities = merchant.capabilities.as_ref().expect("capabilities");
    let card = capabilities.card_payments.as_ref().expect("card_payments");
    assert_eq!(card.status, Status::Restricted);
    assert_eq!(card.status_details[0].code, Code::RequirementsPastDue);
    let link = capabilities.link_payments.as_ref().expect("link_payments");
    assert_eq!(link.status, Status::Unknown("in_review".to_owned()));
    assert_eq!(merchant.mcc.as_deref(), Some("5734"));

    let defaults = account.defaults.as_ref().expect("defaults");
    assert_eq!(defaults.locales, Some(vec![Locale::EnUs, Locale::FrFr]));

    let identity = account.identity.as_ref().expect("identity");
    assert_eq!(
        identity.entity_type,
        Some(V2CoreAccountIdentityEntityType::Individual)
    );
    let tos = identity
        .attestations
        .as_ref()
        .and_then(|a| a.terms_of_service.as_ref())
        .and_then(|t| t.account.as_ref())
        .expect("terms of service");
    assert_eq!(
        tos.date.as_ref().map(DateTime::as_str),
        Some("2026-01-20T16:04:05Z")
    );
    let individual = identity.individual.as_ref().expect("individual");
    assert_eq!(individual.account, ACCOUNT_ID);
    assert_eq!(individual.updated.as_str(), "2026-01-21T08:00:00.000Z");
    let relationship = individual.relationship.as_ref().expect("relationship");
    assert_eq!(
        relationship.percent_ownership.as_ref().map(Decimal::as_str),
        Some("100.00")
    );

    let requirements = account.requirements.as_ref().expect("requirements");
    let deadline = requirements
        .summary
        .as_ref()
        .and_then(|s| s.minimum_deadline.as_ref())
        .expect("minimum deadline");
    assert_eq!(
        deadline.status,
        V2CoreAccountRequirementsEntriesMinimumDeadlineStatus::PastDue
    );
    assert_eq!(
        deadline.time.as_ref().map(DateTime::as_str),
        Some("2026-02-03T00:00:00.000Z")
    );
}

/// What `person.json` decodes to.
fn assert_person_fixture(person: &person::V2CoreAccountPerson) {
    use person::{
        V2CoreAccountPersonAdditionalAddressesPurpose, V2CoreAccountPersonAdditionalNamesPurpose,
        V2CoreAccountPersonDocumentsPrimaryVerificationType, V2CoreAccountPersonLegalGender,
    };

    assert_eq!(person.id.as_str(), PERSON_ID);
    assert_eq!(person.object, "v2.core.account_person");
    assert_eq!(person.account, ACCOUNT_ID);
    assert_eq!(person.created.as_str(), "2026-01-22T09:15:00.000Z");
    assert_eq!(
        person.legal_gender,
        Some(V2CoreAccountPersonLegalGender::Female)
    );
    let addresses = person.additional_addresses.as_deref().expect("addresses");
    assert_eq!(
        addresses[0].purpose,
        V2CoreAccountPersonAdditionalAddressesPurpose::Unknown("mailing".to_owned())
    );
    assert_eq!(addresses[0].line2, None);
    let names = person.additional_names.as_deref().expect("names");
    assert_eq!(
        names[0].purpose,
        V2CoreAccountPersonAdditionalNamesPurpose::Maiden
    );
    let tos = person
        .additional_terms_of_service
        .as_ref()
        .and_then(|t| t.account.as_ref())
        .expect("terms of service");
    assert_eq!(
        tos.date.as_ref().map(DateTime::as_str),
        Some("2026-01-22T09:15:00Z")
    );
    let verification = person
        .documents
        .as_ref()
        .and_then(|d| d.primary_verification.as_ref())
        .expect("primary verification");
    assert_eq!(
        verification.type_,
        V2CoreAccountPersonDocumentsPrimaryVerificationType::FrontBack
    );
    assert_eq!(verification.front_back.front, "file_1RxB9aQ3mNtZ8vPqFr1");
    let relationship = person.relationship.as_ref().expect("relationship");
    assert_eq!(
        relationship.percent_ownership.as_ref().map(Decimal::as_str),
        Some("25.5")
    );
    assert_eq!(relationship.director, Some(true));
    let kana = person
        .script_names
        .as_ref()
        .and_then(|s| s.kana.as_ref())
        .expect("kana");
    assert_eq!(kana.given_name.as_deref(), Some("ジェニー"));
    assert_eq!(
        person.extra.get("verification_status"),
        Some(json!("pending"))
    );
}

/// What `event.json` decodes to.
pub(super) fn assert_event_fixture(event: &event::V2CoreEvent) {
    use event::V2CoreEventReasonType;

    assert_eq!(event.id.as_str(), EVENT_ID);
    assert_eq!(event.object, "v2.core.event");
    assert_eq!(event.type_, "v1.billing.meter.error_report_triggered");
    assert_eq!(event.created.as_str(), "2026-01-24T07:45:12.345Z");
    assert_eq!(event.context.as_deref(), Some(ACCOUNT_ID));
    assert_eq!(event.changes, None);
    let data = event.data.as_ref().expect("data");
    assert_eq!(
        data["reason"]["error_types"][0]["code"],
        "meter_event_no_customer_defined"
    );
    let reason = event.reason.as_ref().expect("reason");
    assert_eq!(reason.type_, V2CoreEventReasonType::Request);
    let request = reason.request.as_ref().expect("request");
    assert_eq!(request.id, "req_v2Qm3Lx8Rt5Yn1Kc");
    assert_eq!(
        request.idempotency_key,
        "9b2f6a1e-4c3d-4e8f-a7b6-5d4c3b2a1f0e"
    );
    let related = event.related_object.as_ref().expect("related object");
    assert_eq!(related.type_, "billing.meter");
    assert_eq!(
        related.url,
        "/v1/billing/meters/mtr_test_61RxD1jL7oP0uS6x341Lq2WdKcMm"
    );
    assert_eq!(event.extra.get("delivery_mode"), Some(json!("thin")));
}

/// What `event_destination.json` decodes to (a webhook endpoint), up to its status.
fn assert_webhook_destination(destination: &destination::V2CoreEventDestination) {
    use destination::{
        V2CoreEventDestinationEventPayload, V2CoreEventDestinationEventsFrom,
        V2CoreEventDestinationType,
    };

    assert_eq!(destination.id.as_str(), DESTINATION_ID);
    assert_eq!(destination.object, "v2.core.event_destination");
    assert_eq!(
        destination.type_,
        V2CoreEventDestinationType::WebhookEndpoint
    );
    assert_eq!(
        destination.event_payload,
        V2CoreEventDestinationEventPayload::Thin
    );
    assert_eq!(
        destination.events_from,
        Some(vec![
            V2CoreEventDestinationEventsFrom::Self_,
            V2CoreEventDestinationEventsFrom::Unknown("organization".to_owned()),
        ])
    );
    assert_eq!(
        destination.enabled_events,
        strings(&[
            "v1.billing.meter.error_report_triggered",
            "v1.billing.meter.no_meter_found"
        ])
    );
    assert_eq!(destination.amazon_eventbridge, None);
    assert_eq!(destination.snapshot_api_version, None);
    assert_eq!(destination.created.as_str(), "2026-01-23T12:00:00.000Z");
    let endpoint = destination
        .webhook_endpoint
        .as_ref()
        .expect("webhook endpoint");
    assert_eq!(
        endpoint.url.as_deref(),
        Some("https://hooks.jenny-rosen.example/stripe")
    );
    let secret = endpoint.signing_secret.as_ref().expect("signing secret");
    assert_eq!(secret.expose(), "whsec_test_Zp9Qm2Lx7Rv4Tn8Kc1Wd5Hy3");
    assert!(!format!("{destination:?}").contains("whsec_test_Zp9Qm2"));
    assert_eq!(destination.metadata, Some(map(&[("team", "finance")])));
    assert_eq!(
        destination.extra.get("deliveries_last_24h"),
        Some(json!(17))
    );
}
