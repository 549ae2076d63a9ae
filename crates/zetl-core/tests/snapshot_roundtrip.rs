//! A saved snapshot replays exactly: for arbitrary snapshots, writing one as JSON (as
//! `--save-snapshot` does) and loading it back (as `--from` does) gives the same value. The
//! strategy covers every struct of the model and, at every `Option` and `Fact` field, each
//! of its levels: absent, `None`, `Known(None)`, `Known(Some(..))`, `Unknown`.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use proptest::collection::{btree_map, vec};
use proptest::option::of as opt;
use proptest::prelude::*;
use serde_json::{json, Value};
use zetl_core::snapshot::*;

fn text() -> impl Strategy<Value = String> {
    // Plain names plus the characters a JSON writer must escape.
    "[a-zA-Z0-9:/_*. \"\\\\-]{0,10}"
}

fn arn() -> impl Strategy<Value = String> {
    "arn:aws:[a-z]{2,5}:us-east-1:[0-9]{12}:[a-z/]{1,12}"
}

fn time() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..4_102_444_800, 0u32..1_000_000_000)
        .prop_map(|(s, n)| DateTime::from_timestamp(s, n).expect("in range"))
}

fn unknown() -> impl Strategy<Value = Unknown> {
    let reason = prop_oneof![
        Just(UnknownReason::AccessDenied),
        Just(UnknownReason::Throttled),
        Just(UnknownReason::EndpointError),
        Just(UnknownReason::NoCredentials),
        Just(UnknownReason::NotCollected),
        Just(UnknownReason::Other),
    ];
    (reason, opt(text()), opt(text())).prop_map(|(reason, action, message)| Unknown {
        reason,
        action,
        message,
    })
}

fn fact<T: std::fmt::Debug + Clone>(
    known: impl Strategy<Value = T>,
) -> impl Strategy<Value = Fact<T>> {
    prop_oneof![
        3 => known.prop_map(Fact::Known),
        1 => unknown().prop_map(Fact::Unknown),
    ]
}

/// Any JSON without floats (which JSON text does not round-trip bit for bit) and without a
/// `$unknown` key (the model's one reserved key).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map("[a-zA-Z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A policy as stored: a JSON object or the text the service returned.
fn policy() -> impl Strategy<Value = StoredPolicy> {
    prop_oneof![
        text().prop_map(Value::String),
        (json_value(), vec(json_value(), 0..3)).prop_map(|(extra, statements)| {
            json!({"Version": "2012-10-17", "Statement": statements, "Extra": extra})
        }),
    ]
    .prop_map(StoredPolicy::new)
}

fn source_table() -> impl Strategy<Value = SourceTable> {
    let sse = (text(), opt(text()), opt(arn()), opt(time())).prop_map(|(status, t, k, d)| {
        SseDescription {
            status,
            sse_type: t,
            kms_master_key_arn: k,
            inaccessible_encryption_date_time: d,
        }
    });
    let description = (
        text(),
        arn(),
        text(),
        opt(sse),
        opt(any::<u64>()),
        opt(any::<u64>()),
    )
        .prop_map(|(n, a, s, sse, size, count)| TableDescription {
            table_name: n,
            table_arn: a,
            table_status: s,
            sse_description: sse,
            table_size_bytes: size,
            item_count: count,
            key_schema: None,
        });
    let pitr = prop_oneof![Just(PitrStatus::Enabled), Just(PitrStatus::Disabled)];
    let table_policy = (policy(), opt(text())).prop_map(|(policy, revision_id)| TablePolicy {
        policy,
        revision_id,
    });
    (
        fact(opt(description)),
        fact(pitr),
        fact(opt(table_policy)),
        opt(fact(opt(1u32..=35))),
    )
        .prop_map(|(d, c, p, r)| SourceTable {
            description: d,
            continuous_backups: c,
            resource_policy: p,
            pitr_recovery_period_days: r,
        })
}

fn kms_key() -> impl Strategy<Value = KmsKey> {
    let metadata = (text(), arn(), text(), text(), vec(text(), 0..3)).prop_map(
        |(key_id, arn, key_manager, key_state, aliases)| KeyMetadata {
            key_id,
            arn,
            key_manager,
            key_state,
            aliases,
        },
    );
    (fact(metadata), fact(policy())).prop_map(|(metadata, policy)| KmsKey { metadata, policy })
}

fn inline() -> impl Strategy<Value = InlinePolicy> {
    (text(), policy()).prop_map(|(name, document)| InlinePolicy { name, document })
}

fn managed() -> impl Strategy<Value = ManagedPolicy> {
    (arn(), opt(text()), policy()).prop_map(|(arn, version_id, document)| ManagedPolicy {
        arn,
        version_id,
        document,
    })
}

fn principal() -> impl Strategy<Value = IamPrincipal> {
    let kind = prop_oneof![Just(PrincipalKind::Role), Just(PrincipalKind::User)];
    let group = (arn(), vec(inline(), 0..2), vec(managed(), 0..2)).prop_map(|(arn, i, a)| Group {
        arn,
        inline_policies: i,
        attached_policies: a,
    });
    (
        arn(),
        kind,
        opt(text()),
        opt(policy()),
        fact(vec(inline(), 0..3)),
        fact(vec(managed(), 0..3)),
        fact(opt(managed())),
        fact(vec(group, 0..2)),
    )
        .prop_map(
            |(arn, kind, unique_id, trust, inline, attached, boundary, groups)| IamPrincipal {
                arn,
                kind,
                unique_id,
                trust_policy: trust,
                inline_policies: inline,
                attached_policies: attached,
                permissions_boundary: boundary,
                groups,
            },
        )
}

fn database() -> impl Strategy<Value = Database> {
    let permission =
        (text(), vec(text(), 0..3)).prop_map(|(principal, permissions)| DefaultPermission {
            principal,
            permissions,
        });
    (text(), text(), opt(text()), vec(permission, 0..2)).prop_map(|(n, c, l, p)| Database {
        name: n,
        catalog_id: c,
        location_uri: l,
        create_table_default_permissions: p,
    })
}

fn bucket() -> impl Strategy<Value = Bucket> {
    let encryption =
        (text(), opt(text()), opt(any::<bool>())).prop_map(|(a, k, b)| BucketEncryption {
            sse_algorithm: a,
            kms_master_key_id: k,
            bucket_key_enabled: b,
        });
    (
        fact(opt(text())),
        fact(opt(policy())),
        fact(opt(encryption)),
    )
        .prop_map(|(r, p, e)| Bucket {
            region: r,
            policy: p,
            encryption: e,
        })
}

fn resource_property() -> impl Strategy<Value = ResourceProperty> {
    (arn(), opt(arn()), opt(arn()), opt(text()), opt(arn())).prop_map(|(r, role, k, c, e)| {
        ResourceProperty {
            resource_arn: r,
            role_arn: role,
            kms_arn: k,
            connection_name: c,
            event_bus_arn: e,
        }
    })
}

fn table_properties() -> impl Strategy<Value = TableProperties> {
    let field = (text(), opt(text()), opt(text())).prop_map(|(f, func, conv)| PartitionField {
        field_name: f,
        function_spec: func,
        conversion_spec: conv,
    });
    (opt(text()), vec(field, 0..3), opt(text())).prop_map(|(u, p, t)| TableProperties {
        unnest_spec: u,
        partition_spec: p,
        target_table_name: t,
    })
}

fn lake_formation() -> impl Strategy<Value = LakeFormation> {
    let resource = prop_oneof![
        text().prop_map(|catalog_id| LfResource::Catalog { catalog_id }),
        (text(), text()).prop_map(|(catalog_id, name)| LfResource::Database { catalog_id, name }),
        (text(), text(), opt(text())).prop_map(|(catalog_id, database_name, name)| {
            LfResource::Table {
                catalog_id,
                database_name,
                name,
            }
        }),
        (text(), arn()).prop_map(|(catalog_id, resource_arn)| LfResource::DataLocation {
            catalog_id,
            resource_arn,
        }),
        (text(), text(), json_value()).prop_map(|(catalog_id, resource_type, expression)| {
            LfResource::LfTagPolicy {
                catalog_id,
                resource_type,
                expression,
            }
        }),
    ];
    let grant = (text(), resource, vec(text(), 0..3), vec(text(), 0..2)).prop_map(
        |(principal, resource, permissions, with_grant)| LfGrant {
            principal,
            resource,
            permissions,
            permissions_with_grant_option: with_grant,
        },
    );
    (vec(text(), 0..2), vec(grant, 0..3), vec(arn(), 0..2)).prop_map(|(a, p, r)| LakeFormation {
        admins: a,
        permissions: p,
        registered_locations: r,
    })
}

/// What an integration logged: not read, unreadable, or a log group (or none) with events
/// whose every optional field takes each level.
fn ingestion_logs() -> impl Strategy<Value = Option<Fact<IngestionLogs>>> {
    let event = (time(), opt(text()), opt(text()), opt(text()), opt(text())).prop_map(
        |(time, event_type, table, message, error_code)| IngestionEvent {
            time,
            event_type,
            table,
            message,
            error_code,
        },
    );
    let logs = (opt(text()), vec(event, 0..3))
        .prop_map(|(log_group, events)| IngestionLogs { log_group, events });
    opt(fact(logs))
}

fn integration() -> impl Strategy<Value = Integration> {
    let error = (opt(text()), opt(text())).prop_map(|(c, m)| IntegrationError {
        error_code: c,
        error_message: m,
    });
    (
        (arn(), opt(text()), arn(), arn(), text(), opt(time())),
        (
            vec(error, 0..2),
            opt(text()),
            opt(text()),
            opt(arn()),
            opt(text()),
            opt(any::<bool>()),
            // Every level of the one optional fact: not read, read with or without a
            // datapoint, not readable.
            opt(fact(opt(time()))),
            ingestion_logs(),
        ),
    )
        .prop_map(
            |(
                (integration_arn, integration_name, source_arn, target_arn, status, create_time),
                (
                    errors,
                    description,
                    data_filter,
                    kms_key_id,
                    refresh_interval,
                    continuous_sync,
                    last_sync,
                    ingestion_logs,
                ),
            )| Integration {
                integration_arn,
                integration_name,
                source_arn,
                target_arn,
                status,
                create_time,
                errors,
                description,
                data_filter,
                kms_key_id,
                refresh_interval,
                continuous_sync,
                last_sync,
                ingestion_logs,
            },
        )
}

fn probe() -> impl Strategy<Value = Probe> {
    (arn(), text(), any::<bool>(), opt(text())).prop_map(|(principal, action, allowed, m)| Probe {
        principal,
        action,
        allowed,
        message: m,
    })
}

fn header() -> impl Strategy<Value = (DateTime<Utc>, Option<String>, Accounts, Setup)> {
    let account = || {
        ("[0-9]{12}", text(), opt(arn())).prop_map(|(id, region, caller_arn)| Account {
            id,
            region,
            caller_arn,
        })
    };
    // The loader checks that each pair names a table and a database.
    let table = "arn:aws:dynamodb:us-east-1:[0-9]{12}:table/[a-z]{1,8}";
    let database = "arn:aws:glue:us-east-1:[0-9]{12}:database/[a-z]{1,8}";
    let pair = (table, database, opt(arn()), opt(text())).prop_map(|(s, t, r, i)| Pair {
        source_table: s,
        target_database: t,
        target_role: r,
        integration: i,
    });
    let setup = (vec(pair, 1..3), opt(arn()), opt(arn()), opt(arn())).prop_map(
        |(pairs, source_principal, console_principal, target_principal)| Setup {
            pairs,
            source_principal,
            console_principal,
            target_principal,
        },
    );
    (
        time(),
        opt(text()),
        (account(), account()).prop_map(|(source, target)| Accounts { source, target }),
        setup,
    )
}

fn by_arn<T: std::fmt::Debug>(
    value: impl Strategy<Value = T>,
) -> impl Strategy<Value = BTreeMap<String, T>> {
    btree_map(arn(), value, 0..3)
}

fn snapshot() -> impl Strategy<Value = Snapshot> {
    let integrations = (fact(by_arn(integration())), fact(by_arn(integration())))
        .prop_map(|(source, target)| Integrations { source, target });
    (
        header(),
        (
            by_arn(source_table()),
            by_arn(kms_key()),
            by_arn(fact(opt(principal()))),
            by_arn(fact(opt((policy(), opt(text())).prop_map(
                |(policy, policy_hash)| CatalogPolicy {
                    policy,
                    policy_hash,
                },
            )))),
            by_arn(fact(opt(database()))),
            btree_map(text(), bucket(), 0..3),
        ),
        (
            by_arn(fact(opt(resource_property()))),
            by_arn(btree_map(text(), fact(opt(table_properties())), 0..3)),
            btree_map("[0-9]{12}", fact(lake_formation()), 0..2),
            integrations,
            vec(probe(), 0..3),
        ),
    )
        .prop_map(
            |(
                (collected_at, tool_version, accounts, setup),
                (tables, kms_keys, principals, catalog_policies, databases, buckets),
                (resource_properties, table_properties, lake_formation, integrations, probes),
            )| Snapshot {
                schema: SNAPSHOT_SCHEMA.to_string(),
                collected_at,
                tool_version,
                accounts,
                setup,
                tables,
                kms_keys,
                principals,
                catalog_policies,
                databases,
                buckets,
                resource_properties,
                table_properties,
                lake_formation,
                integrations,
                probes,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Written as `--save-snapshot` writes it (pretty JSON), read as `--from` reads it.
    #[test]
    fn a_written_snapshot_loads_as_the_same_value(snapshot in snapshot()) {
        let text = serde_json::to_string_pretty(&snapshot).unwrap();
        let loaded = from_str(&text, Path::new("roundtrip.json"))
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        prop_assert_eq!(loaded, snapshot);
    }
}
