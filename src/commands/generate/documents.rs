//! The set of documents `zetl policy generate` prints: the access rules' documents for the
//! pair (merged into what the snapshot holds), the console's read-only statement, the
//! doctor's own read-only policies, and the integration resource property. Every renderer
//! (json, cli, terraform) prints this one model.

use serde::Serialize;
use serde_json::Value;

use crate::arn::Arn;
use crate::permissions::{readonly_policy, Side as DoctorSide};
use crate::policy_edit::command::{
    kept_target_properties, name_from_arn, shell_word, shorthand_value, CommandTarget,
};
use crate::policy_edit::{check_size, merge_statement, PolicyKind};
use crate::rules::engine::generate::{generate, standalone_identity_policy, Generated};
use crate::rules::engine::requirement::{PolicySource, PrincipalRole};
use crate::rules::pair::{PairFacts, Profiles};
use crate::snapshot::Fact;

use super::setup::Prepared;

/// What a document is, as the JSON output and the Terraform renderer name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    DynamodbTablePolicy,
    GlueCatalogPolicy,
    IamRoleTrustPolicy,
    IamRoleInlinePolicy,
    IamUserInlinePolicy,
    IamManagedPolicy,
}

/// Which provider (account) a document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Source,
    Target,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    /// `table policy`, `catalog policy`, `trust policy of ARN`, `inline policy N of ARN`,
    /// `managed policy N`.
    pub name: String,
    pub account: String,
    pub side: Side,
    pub kind: Kind,
    /// The table, the catalog, or the IAM role/user ARN (path included); for a managed
    /// policy its future ARN.
    pub resource: String,
    /// The inline or managed policy's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    /// The file the command reads the policy from.
    pub file: String,
    pub policy: Value,
    /// The `aws` CLI command that applies it.
    pub command: String,
    /// Catalog policy only: Lake Formation cross-account grants exist (`EnableHybrid`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub enable_hybrid: bool,
    /// Trust policy only: the role does not exist yet and is created with it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub creates_role: bool,
    /// Whether applying changes anything (false: the document already grants everything the
    /// integration needs and is listed so the set is complete).
    pub changed: bool,
}

/// "Configure target": the database's integration resource property naming the role.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceProperty {
    pub resource_arn: String,
    pub role_arn: String,
    /// The command, or `None` when the property already names the role.
    pub command: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountInfo {
    pub id: String,
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicySet {
    pub source: AccountInfo,
    pub target: AccountInfo,
    /// The first pair's (the JSON `pair`).
    pub source_table: String,
    pub target_database: String,
    /// Every pair, `(source table, target database)`, the first one included.
    pub pairs: Vec<(String, String)>,
    pub documents: Vec<Document>,
    /// One per target database, the first pair's first.
    pub resource_properties: Vec<ResourceProperty>,
}

/// Why no set is printed: a document over its size limit, or one that could not be read so
/// merging would overwrite it blindly. The message names the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused(pub Vec<String>);

/// Builds every document for every pair of the snapshot. Pairs that share a document (one
/// catalog policy, one target role for many tables) share it in the set: each pair's grants
/// are merged into what the pairs before it produced, so a catalog policy names every table
/// in one `aws:SourceArn` list. All or nothing: when one document cannot be built the whole
/// set is refused (a partial set would look complete).
pub fn build(prepared: &Prepared, profiles: &Profiles) -> Result<PolicySet, Refused> {
    let snapshot = &prepared.snapshot;
    let Some(first) = snapshot.setup.pairs.first() else {
        return Err(Refused(vec![
            "the snapshot names no source -> target pair".into()
        ]));
    };
    let mut refused = Vec::new();
    for pair in &snapshot.setup.pairs {
        for r in unreadable(&PairFacts::new(snapshot, pair)) {
            if !refused.contains(&r) {
                refused.push(r);
            }
        }
    }
    if !refused.is_empty() {
        return Err(Refused(refused));
    }
    let catalog = crate::rules::catalog()
        .map_err(|e| Refused(vec![format!("the rule catalog is invalid: {e}")]))?;
    let mut scope = PairFacts::new(snapshot, first);
    scope.profiles = profiles.clone();
    let src_account = scope.values.source_account.clone();
    let tgt_account = scope.values.target_account.clone();
    let source = AccountInfo {
        id: src_account.clone(),
        region: scope.values.get("source_region").unwrap_or_default().into(),
        profile: profiles.source.clone(),
    };
    let target = AccountInfo {
        id: tgt_account.clone(),
        region: scope.values.get("target_region").unwrap_or_default().into(),
        profile: profiles.target.clone(),
    };
    // Each pair generates into the snapshot as the pairs before it left it.
    let mut work = snapshot.clone();
    let mut documents: Vec<Document> = Vec::new();
    let mut resource_properties: Vec<ResourceProperty> = Vec::new();
    let mut console: Option<Value> = None;
    for pair in &snapshot.setup.pairs {
        let mut scope = PairFacts::new(&work, pair);
        scope.profiles = profiles.clone();
        let mut generated = Vec::new();
        for g in generate(&scope, catalog) {
            match g {
                Ok(g) => generated.push(from_generated(g, prepared, &source, &target)),
                Err(e) if !refused.contains(&e) => refused.push(e),
                Err(_) => {}
            }
        }
        if snapshot.setup.console_principal.is_none() {
            // Nobody to attach the console's read-only statement to: a managed policy to attach.
            match standalone_identity_policy(&scope, catalog, PrincipalRole::ConsolePrincipal) {
                Ok(Some(policy)) => console = Some(merged_documents(console, policy)),
                Ok(None) => {}
                Err(e) => refused.push(format!("console read-only policy: {e}")),
            }
        }
        if let Some(rp) = resource_property(&scope, &target) {
            if !resource_properties
                .iter()
                .any(|r| r.resource_arn == rp.resource_arn)
            {
                resource_properties.push(rp);
            }
        }
        drop(scope);
        for d in generated {
            write_back(&mut work, &d);
            match documents.iter_mut().find(|e| {
                (e.kind, &e.resource, &e.policy_name) == (d.kind, &d.resource, &d.policy_name)
            }) {
                // A later pair's version holds the earlier ones' grants too.
                Some(existing) => {
                    let changed = existing.changed || d.changed;
                    *existing = Document { changed, ..d };
                }
                None => documents.push(d),
            }
        }
    }
    // The table policies together, first, as for one pair (the sort is stable).
    documents.sort_by_key(|d| d.kind != Kind::DynamodbTablePolicy);
    // Several tables: each table policy gets a name and file of its own.
    let tables = documents
        .iter()
        .filter(|d| d.kind == Kind::DynamodbTablePolicy)
        .count();
    for d in documents.iter_mut().filter(|_| tables > 1) {
        if d.kind == Kind::DynamodbTablePolicy {
            let table = name_from_arn(&d.resource).to_string();
            let file = format!("table-policy-{table}.json");
            d.command = d
                .command
                .replace(&format!("file://{}", d.file), &format!("file://{file}"));
            d.name = format!("table policy of {table}");
            d.file = file;
        }
    }
    if let Some(policy) = console {
        documents.push(managed(
            "zetl-zero-etl-console",
            policy,
            Side::Source,
            &source,
        ));
    }
    documents.push(managed(
        "zetl-source-readonly",
        readonly_policy(DoctorSide::Source),
        Side::Source,
        &source,
    ));
    documents.push(managed(
        "zetl-target-readonly",
        readonly_policy(DoctorSide::Target),
        Side::Target,
        &target,
    ));
    for d in &documents {
        if d.kind == Kind::IamManagedPolicy {
            if let Err(e) = check_size(&d.policy, PolicyKind::IamManaged, 0) {
                refused.push(format!("{}: {e}", d.name));
            }
        }
    }
    if !refused.is_empty() {
        return Err(Refused(refused));
    }
    Ok(PolicySet {
        resource_properties,
        source,
        target,
        source_table: first.source_table.clone(),
        target_database: first.target_database.clone(),
        pairs: snapshot
            .setup
            .pairs
            .iter()
            .map(|p| (p.source_table.clone(), p.target_database.clone()))
            .collect(),
        documents,
    })
}

/// `more`'s statements merged into `base` (the same document generated for another pair).
fn merged_documents(base: Option<Value>, more: Value) -> Value {
    let Some(mut doc) = base else {
        return more;
    };
    for s in more["Statement"].as_array().cloned().unwrap_or_default() {
        if let Ok((merged, _)) = merge_statement(Some(&doc), &s, PolicyKind::IamManaged) {
            doc = merged;
        }
    }
    doc
}

/// One generated document written into the snapshot, as the account would hold it.
fn write_back(snapshot: &mut crate::snapshot::Snapshot, d: &Document) {
    let one = PolicySet {
        source: AccountInfo {
            id: String::new(),
            region: String::new(),
            profile: None,
        },
        target: AccountInfo {
            id: String::new(),
            region: String::new(),
            profile: None,
        },
        source_table: String::new(),
        target_database: String::new(),
        pairs: Vec::new(),
        documents: vec![d.clone()],
        resource_properties: Vec::new(),
    };
    super::feed_back::apply_to(snapshot, &one);
}

/// Documents the merge would rewrite but that could not be read: merging into "nothing"
/// would overwrite them.
fn unreadable(scope: &PairFacts) -> Vec<String> {
    let snapshot = scope.snapshot;
    let v = |k: &str| scope.values.get(k).unwrap_or_default().to_string();
    let mut out = Vec::new();
    let why = |u: &crate::snapshot::Unknown| {
        let mut s = format!("{:?}", u.reason);
        if let Some(a) = &u.action {
            s.push_str(&format!(" on {a}"));
        }
        if let Some(m) = &u.message {
            s.push_str(&format!(": {m}"));
        }
        s
    };
    let table = v("table_arn");
    if let Some(u) = snapshot
        .tables
        .get(&table)
        .and_then(|t| t.resource_policy.unknown())
    {
        out.push(format!(
            "table policy of {table}: could not be read ({}); merging would overwrite it",
            why(u)
        ));
    }
    let catalog = v("catalog_arn");
    if let Some(u) = snapshot
        .catalog_policies
        .get(&catalog)
        .and_then(Fact::unknown)
    {
        out.push(format!(
            "catalog policy {catalog}: could not be read ({}); merging would overwrite it",
            why(u)
        ));
    }
    for (arn, f) in &snapshot.principals {
        let u = match f {
            Fact::Unknown(u) => Some(u),
            Fact::Known(Some(p)) => p.inline_policies.unknown(),
            Fact::Known(None) => None,
        };
        if let Some(u) = u {
            out.push(format!(
                "{arn}: its policies could not be read ({}); merging would overwrite them",
                why(u)
            ));
        }
    }
    out
}

fn from_generated(
    g: Generated,
    prepared: &Prepared,
    source: &AccountInfo,
    target: &AccountInfo,
) -> Document {
    let account = Arn::parse(&g.owner)
        .map(|p| p.account.to_string())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| target.id.clone());
    let side = if account == source.id && g.into != PolicySource::CatalogPolicy {
        Side::Source
    } else {
        Side::Target
    };
    let principal_name = name_from_arn(&g.owner).to_string();
    let (kind, file) = match g.into {
        PolicySource::TablePolicy => (Kind::DynamodbTablePolicy, "table-policy.json".to_string()),
        PolicySource::CatalogPolicy => (Kind::GlueCatalogPolicy, "catalog-policy.json".to_string()),
        PolicySource::Trust => (
            Kind::IamRoleTrustPolicy,
            format!("trust-policy-{principal_name}.json"),
        ),
        _ if g.owner.contains(":user/") => (
            Kind::IamUserInlinePolicy,
            format!(
                "{principal_name}-{}.json",
                g.policy_name.as_deref().unwrap_or("policy")
            ),
        ),
        _ => (
            Kind::IamRoleInlinePolicy,
            format!(
                "{principal_name}-{}.json",
                g.policy_name.as_deref().unwrap_or("policy")
            ),
        ),
    };
    let creates_role =
        kind == Kind::IamRoleTrustPolicy && prepared.missing_roles.contains(&g.owner);
    let on = if side == Side::Source { source } else { target };
    let command = if creates_role {
        create_role_command(&g.owner, &file, on)
    } else {
        // The library's commands read one file per kind (`identity-policy.json`); a set holds
        // several identity documents, so each gets its own file.
        ["trust-policy.json", "identity-policy.json"]
            .iter()
            .fold(g.command.clone(), |c, f| {
                c.replace(&format!("file://{f}"), &format!("file://{file}"))
            })
    };
    Document {
        // The library's command carries it when Lake Formation cross-account grants exist.
        enable_hybrid: g.command.contains("--enable-hybrid TRUE"),
        name: g.document,
        account,
        side,
        kind,
        resource: g.owner,
        policy_name: g.policy_name,
        file,
        policy: g.policy,
        command,
        creates_role,
        changed: g.changed || creates_role,
    }
}

/// `aws iam create-role` for a role that does not exist yet, with its path and trust policy.
fn create_role_command(role_arn: &str, file: &str, on: &AccountInfo) -> String {
    let name = name_from_arn(role_arn);
    let path = role_path(role_arn);
    let path_flag = if path == "/" {
        String::new()
    } else {
        format!(" --path {}", shell_word(&path))
    };
    let target = CommandTarget::new(&on.region, on.profile.as_deref());
    format!(
        "aws iam create-role --role-name {}{path_flag} --assume-role-policy-document file://{file}{}",
        shell_word(name),
        target.profile_flag()
    )
}

/// `arn:aws:iam::1:role/service-role/x` -> `/service-role/`.
pub fn role_path(role_arn: &str) -> String {
    let resource = Arn::parse(role_arn).map(|p| p.resource).unwrap_or_default();
    let inner = resource
        .strip_prefix("role/")
        .or_else(|| resource.strip_prefix("user/"))
        .unwrap_or_default();
    match inner.rsplit_once('/') {
        Some((path, _)) => format!("/{path}/"),
        None => "/".into(),
    }
}

fn managed(name: &str, policy: Value, side: Side, on: &AccountInfo) -> Document {
    let file = format!("{name}.json");
    let target = CommandTarget::new(&on.region, on.profile.as_deref());
    Document {
        name: format!("managed policy {name}"),
        account: on.id.clone(),
        side,
        kind: Kind::IamManagedPolicy,
        resource: format!("arn:aws:iam::{}:policy/{name}", on.id),
        policy_name: Some(name.to_string()),
        command: format!(
            "aws iam create-policy --policy-name {} --policy-document file://{file}{}",
            shell_word(name),
            target.profile_flag()
        ),
        file,
        policy,
        enable_hybrid: false,
        creates_role: false,
        // zetl does not read managed policies it did not name: create-policy is always shown.
        changed: true,
    }
}

fn resource_property(scope: &PairFacts, target: &AccountInfo) -> Option<ResourceProperty> {
    let role = scope.values.get("role_arn")?.to_string();
    let db = scope.values.get("database_arn")?.to_string();
    let existing = scope
        .snapshot
        .resource_properties
        .get(&db)
        .and_then(Fact::known)
        .and_then(|p| p.as_ref());
    let verb = match existing {
        Some(p) if p.role_arn.as_deref() == Some(role.as_str()) => None,
        Some(_) => Some("update"),
        None => Some("create"),
    };
    let on = CommandTarget::new(&target.region, target.profile.as_deref());
    Some(ResourceProperty {
        command: verb.map(|v| {
            format!(
                "aws glue {v}-integration-resource-property --resource-arn {} --target-processing-properties RoleArn={}{} --region {}{}",
                shell_word(&db),
                shell_word(&shorthand_value(&role)),
                // An update takes the whole structure: keep what the property has besides the role.
                kept_target_properties(existing),
                shell_word(&target.region),
                on.profile_flag()
            )
        }),
        resource_arn: db,
        role_arn: role,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_paths() {
        assert_eq!(
            role_path("arn:aws:iam::1:role/service-role/x"),
            "/service-role/"
        );
        assert_eq!(role_path("arn:aws:iam::1:role/x"), "/");
        assert_eq!(role_path("arn:aws:iam::1:role/a/b/x"), "/a/b/");
    }
}
