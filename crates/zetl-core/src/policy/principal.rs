//! Who makes a request (`Principal`), who a policy statement names (`PrincipalSpec`), and how
//! the two match.

use serde::Serialize;

use super::document::PolicyError;
use super::matching::split_arn;

/// The principal making a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Principal {
    /// `"*"`: an unauthenticated caller.
    Anonymous,
    /// The account itself (`arn:aws:iam::A:root` or a bare account id).
    Account { partition: String, account: String },
    User {
        arn: String,
        account: String,
        name: String,
    },
    /// A role named by its ARN (treated like a session of that role).
    Role {
        arn: String,
        account: String,
        name: String,
    },
    /// `arn:aws:sts::A:assumed-role/NAME/SESSION`. `role_arn` carries the role's path only
    /// once `with_role_arn` supplied it (the session ARN does not contain it); `evaluate`
    /// supplies it itself from the request context's `aws:PrincipalArn`.
    AssumedRole {
        session_arn: String,
        role_arn: String,
        account: String,
        role_name: String,
        session_name: String,
    },
    /// `arn:aws:sts::A:federated-user/NAME`.
    FederatedUser { arn: String, account: String },
    /// An AWS service principal such as `glue.amazonaws.com`.
    Service { service: String },
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn bad(s: &str, why: &str) -> PolicyError {
    PolicyError {
        path: "principal".to_string(),
        message: format!("{why}: {s:?}"),
    }
}

impl Principal {
    /// Accepts an IAM user/role ARN, an assumed-role session ARN, a federated-user ARN, an
    /// account root ARN, a bare 12-digit account id, a service principal
    /// (`glue.amazonaws.com`), or `"*"` (anonymous).
    pub fn parse(s: &str) -> Result<Principal, PolicyError> {
        let s = s.trim();
        if s == "*" {
            return Ok(Principal::Anonymous);
        }
        if is_account_id(s) {
            return Ok(Principal::Account {
                partition: "aws".to_string(),
                account: s.to_string(),
            });
        }
        if !s.starts_with("arn:") {
            if s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn") {
                return Ok(Principal::Service {
                    service: s.to_ascii_lowercase(),
                });
            }
            return Err(bad(s, "not a principal (expected an IAM ARN, an account id, a service principal or \"*\")"));
        }
        let Some([_, partition, service, _, account, resource]) = split_arn(s) else {
            return Err(bad(s, "not an ARN"));
        };
        if !is_account_id(account) {
            return Err(bad(
                s,
                "the ARN's account part is not a 12-digit account id",
            ));
        }
        let account = account.to_string();
        match service {
            "iam" => {
                if resource == "root" {
                    return Ok(Principal::Account {
                        partition: partition.to_string(),
                        account,
                    });
                }
                let (kind, rest) = resource
                    .split_once('/')
                    .ok_or_else(|| bad(s, "IAM ARN without a resource type"))?;
                let name = rest.rsplit('/').next().unwrap_or(rest);
                if name.is_empty() {
                    return Err(bad(s, "IAM ARN without a name"));
                }
                let (arn, name) = (s.to_string(), name.to_string());
                match kind {
                    "user" => Ok(Principal::User { arn, account, name }),
                    "role" => Ok(Principal::Role { arn, account, name }),
                    _ => Err(bad(s, "IAM ARN is neither a user, a role nor root")),
                }
            }
            "sts" => {
                if let Some(rest) = resource.strip_prefix("assumed-role/") {
                    let (role_name, session_name) = rest
                        .split_once('/')
                        .ok_or_else(|| bad(s, "assumed-role ARN without a session name"))?;
                    if role_name.is_empty() || session_name.is_empty() {
                        return Err(bad(
                            s,
                            "assumed-role ARN with an empty role or session name",
                        ));
                    }
                    return Ok(Principal::AssumedRole {
                        session_arn: s.to_string(),
                        role_arn: format!("arn:{partition}:iam::{account}:role/{role_name}"),
                        account,
                        role_name: role_name.to_string(),
                        session_name: session_name.to_string(),
                    });
                }
                if resource.starts_with("federated-user/") {
                    return Ok(Principal::FederatedUser {
                        arn: s.to_string(),
                        account,
                    });
                }
                Err(bad(
                    s,
                    "STS ARN is neither an assumed-role nor a federated-user session",
                ))
            }
            _ => Err(bad(s, "ARN of a service that has no principals")),
        }
    }

    /// Supplies the role ARN with its path (read with GetRole) for an assumed-role session, so
    /// statements naming `arn:aws:iam::A:role/PATH/NAME` match. Other principals are returned
    /// unchanged; so is a session whose role name differs from the given ARN's.
    pub fn with_role_arn(self, role_arn_with_path: &str) -> Principal {
        match self {
            Principal::AssumedRole {
                session_arn,
                role_arn,
                account,
                role_name,
                session_name,
            } => {
                let fits = role_arn_with_path
                    .rsplit('/')
                    .next()
                    .is_some_and(|n| n == role_name)
                    && role_arn_with_path.contains(":role/");
                Principal::AssumedRole {
                    session_arn,
                    role_arn: if fits {
                        role_arn_with_path.to_string()
                    } else {
                        role_arn
                    },
                    account,
                    role_name,
                    session_name,
                }
            }
            other => other,
        }
    }

    /// The principal's account; `None` for services and anonymous callers.
    pub fn account(&self) -> Option<&str> {
        match self {
            Principal::Account { account, .. }
            | Principal::User { account, .. }
            | Principal::Role { account, .. }
            | Principal::AssumedRole { account, .. }
            | Principal::FederatedUser { account, .. } => Some(account),
            Principal::Anonymous | Principal::Service { .. } => None,
        }
    }

    /// The value of `aws:PrincipalArn` (for a session: its role's ARN).
    pub fn principal_arn(&self) -> Option<String> {
        match self {
            Principal::Account { partition, account } => {
                Some(format!("arn:{partition}:iam::{account}:root"))
            }
            Principal::User { arn, .. }
            | Principal::Role { arn, .. }
            | Principal::FederatedUser { arn, .. } => Some(arn.clone()),
            Principal::AssumedRole { role_arn, .. } => Some(role_arn.clone()),
            Principal::Anonymous | Principal::Service { .. } => None,
        }
    }

    /// How the principal is written in sentences: its ARN, service name or `*`.
    pub fn display(&self) -> String {
        match self {
            Principal::Anonymous => "*".to_string(),
            Principal::Service { service } => service.clone(),
            Principal::AssumedRole { session_arn, .. } => session_arn.clone(),
            other => other.principal_arn().unwrap_or_default(),
        }
    }

    /// The IAM user name (`aws:username`), for IAM users only.
    pub fn user_name(&self) -> Option<&str> {
        match self {
            Principal::User { name, .. } => Some(name),
            _ => None,
        }
    }

    pub fn is_service(&self) -> bool {
        matches!(self, Principal::Service { .. })
    }

    /// Principals that identity policies and permission boundaries apply to.
    pub(crate) fn has_identity_policies(&self) -> bool {
        matches!(
            self,
            Principal::User { .. }
                | Principal::Role { .. }
                | Principal::AssumedRole { .. }
                | Principal::FederatedUser { .. }
        )
    }
}

/// One value under the `AWS` key of a Principal element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum AwsPrincipalRef {
    /// `"*"`.
    Any,
    /// `"123456789012"` or `arn:aws:iam::123456789012:root`: the account, i.e. delegation to
    /// its identity policies.
    Account(String),
    /// Any other ARN (user, role, session), compared exactly: AWS does not glob principal ARNs.
    Arn(String),
    /// Something that is neither (e.g. a unique id `AROA...` left behind by a deleted role): it
    /// matches no one.
    Other(String),
}

impl AwsPrincipalRef {
    pub(crate) fn parse(v: &str) -> AwsPrincipalRef {
        if v == "*" {
            return AwsPrincipalRef::Any;
        }
        if is_account_id(v) {
            return AwsPrincipalRef::Account(v.to_string());
        }
        if let Some([arn, _, service, _, account, resource]) = split_arn(v) {
            if arn == "arn" && service == "iam" && resource == "root" {
                return AwsPrincipalRef::Account(account.to_string());
            }
            if arn == "arn" {
                return AwsPrincipalRef::Arn(v.to_string());
            }
        }
        AwsPrincipalRef::Other(v.to_string())
    }
}

/// A Principal / NotPrincipal element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalSpec {
    /// `"Principal": "*"`.
    Wildcard,
    Map {
        aws: Vec<AwsPrincipalRef>,
        service: Vec<String>,
        federated: Vec<String>,
        canonical_user: Vec<String>,
    },
}

/// How a statement's principal names the request's principal. Order matters: a better match
/// wins when a statement names the principal several ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum PrincipalMatch {
    None,
    /// Names the principal's account: the account delegates to its identity policies.
    Account,
    /// Names the role of an assumed-role session: grants, but permission boundaries apply.
    Role,
    /// Names exactly this principal (user, session, service) or `*`.
    Exact,
}

impl PrincipalSpec {
    pub(crate) fn match_principal(&self, p: &Principal) -> PrincipalMatch {
        match self {
            PrincipalSpec::Wildcard => PrincipalMatch::Exact,
            PrincipalSpec::Map { aws, service, .. } => {
                let mut best = PrincipalMatch::None;
                if let Principal::Service { service: s } = p {
                    if service.iter().any(|v| v.eq_ignore_ascii_case(s)) {
                        return PrincipalMatch::Exact;
                    }
                }
                for r in aws {
                    let m = match_aws(r, p);
                    if m > best {
                        best = m;
                    }
                }
                best
            }
        }
    }

    /// Every value named, for explanations.
    pub fn values(&self) -> Vec<String> {
        match self {
            PrincipalSpec::Wildcard => vec!["*".to_string()],
            PrincipalSpec::Map {
                aws,
                service,
                federated,
                canonical_user,
            } => aws
                .iter()
                .map(|r| match r {
                    AwsPrincipalRef::Any => "*".to_string(),
                    AwsPrincipalRef::Account(a) => a.clone(),
                    AwsPrincipalRef::Arn(a) | AwsPrincipalRef::Other(a) => a.clone(),
                })
                .chain(service.iter().cloned())
                .chain(federated.iter().cloned())
                .chain(canonical_user.iter().cloned())
                .collect(),
        }
    }
}

/// `arn:aws:sts::A:federated-user/NAME` -> `arn:aws:iam::A:user/NAME`.
fn federated_user_arn(session: &str) -> Option<String> {
    let [_, partition, _, _, account, resource] = split_arn(session)?;
    let name = resource.strip_prefix("federated-user/")?;
    Some(format!("arn:{partition}:iam::{account}:user/{name}"))
}

fn match_aws(r: &AwsPrincipalRef, p: &Principal) -> PrincipalMatch {
    match r {
        AwsPrincipalRef::Any => PrincipalMatch::Exact,
        AwsPrincipalRef::Other(_) => PrincipalMatch::None,
        AwsPrincipalRef::Account(a) => match p {
            Principal::Account { account, .. } if account == a => PrincipalMatch::Exact,
            _ if p.account() == Some(a.as_str()) => PrincipalMatch::Account,
            _ => PrincipalMatch::None,
        },
        AwsPrincipalRef::Arn(a) => match p {
            Principal::User { arn, .. } | Principal::FederatedUser { arn, .. } if arn == a => {
                PrincipalMatch::Exact
            }
            Principal::Role { arn, .. } if arn == a => PrincipalMatch::Role,
            Principal::AssumedRole { session_arn, .. } if session_arn == a => PrincipalMatch::Exact,
            Principal::AssumedRole { role_arn, .. } if role_arn == a => PrincipalMatch::Role,
            // A federated-user session matches the IAM user that created it, like a role
            // session matches its role.
            Principal::FederatedUser { arn, .. }
                if federated_user_arn(arn).as_deref() == Some(a) =>
            {
                PrincipalMatch::Role
            }
            _ => PrincipalMatch::None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_aws(vals: &[&str]) -> PrincipalSpec {
        PrincipalSpec::Map {
            aws: vals.iter().map(|v| AwsPrincipalRef::parse(v)).collect(),
            service: vec![],
            federated: vec![],
            canonical_user: vec![],
        }
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(Principal::parse("*").unwrap(), Principal::Anonymous);
        assert_eq!(
            Principal::parse("123456789012").unwrap(),
            Principal::Account {
                partition: "aws".into(),
                account: "123456789012".into()
            }
        );
        assert_eq!(
            Principal::parse("arn:aws:iam::123456789012:root")
                .unwrap()
                .account(),
            Some("123456789012")
        );
        assert!(matches!(
            Principal::parse("arn:aws:iam::123456789012:user/dev/alice").unwrap(),
            Principal::User { ref name, .. } if name == "alice"
        ));
        assert!(matches!(
            Principal::parse("arn:aws:iam::123456789012:role/r").unwrap(),
            Principal::Role { .. }
        ));
        assert_eq!(
            Principal::parse("glue.amazonaws.com").unwrap(),
            Principal::Service {
                service: "glue.amazonaws.com".into()
            }
        );
        let s = Principal::parse("arn:aws:sts::123456789012:assumed-role/etl/sess-1").unwrap();
        assert_eq!(
            s.principal_arn().as_deref(),
            Some("arn:aws:iam::123456789012:role/etl")
        );
        assert!(Principal::parse("bob").is_err());
        assert!(Principal::parse("arn:aws:iam::12:user/x").is_err());
        assert!(Principal::parse("arn:aws:s3:::bucket").is_err());
        assert!(Principal::parse("arn:aws:sts::123456789012:assumed-role/etl").is_err());
        assert_eq!(
            Principal::parse("arn:aws:iam::1").unwrap_err().path,
            "principal"
        );
    }

    #[test]
    fn session_matches_role_with_path_only_when_known() {
        let s = Principal::parse("arn:aws:sts::123456789012:assumed-role/etl/sess").unwrap();
        let with_path = spec_aws(&["arn:aws:iam::123456789012:role/service/etl"]);
        assert_eq!(with_path.match_principal(&s), PrincipalMatch::None);
        let s = s.with_role_arn("arn:aws:iam::123456789012:role/service/etl");
        assert_eq!(with_path.match_principal(&s), PrincipalMatch::Role);
        let session = spec_aws(&["arn:aws:sts::123456789012:assumed-role/etl/sess"]);
        assert_eq!(session.match_principal(&s), PrincipalMatch::Exact);
        // A different role name is not adopted.
        let other = Principal::parse("arn:aws:sts::123456789012:assumed-role/etl/sess")
            .unwrap()
            .with_role_arn("arn:aws:iam::123456789012:role/x/other");
        assert_eq!(
            other.principal_arn().as_deref(),
            Some("arn:aws:iam::123456789012:role/etl")
        );
    }

    #[test]
    fn account_forms_are_equivalent() {
        let u = Principal::parse("arn:aws:iam::123456789012:user/alice").unwrap();
        for v in ["123456789012", "arn:aws:iam::123456789012:root"] {
            assert_eq!(spec_aws(&[v]).match_principal(&u), PrincipalMatch::Account);
        }
        assert_eq!(
            spec_aws(&["210987654321"]).match_principal(&u),
            PrincipalMatch::None
        );
        let root = Principal::parse("123456789012").unwrap();
        assert_eq!(
            spec_aws(&["arn:aws:iam::123456789012:root"]).match_principal(&root),
            PrincipalMatch::Exact
        );
        assert_eq!(spec_aws(&["*"]).match_principal(&u), PrincipalMatch::Exact);
        assert_eq!(
            spec_aws(&["AROAEXAMPLEID"]).match_principal(&u),
            PrincipalMatch::None
        );
        // Principal ARNs are not globbed.
        assert_eq!(
            spec_aws(&["arn:aws:iam::123456789012:user/*"]).match_principal(&u),
            PrincipalMatch::None
        );
    }

    #[test]
    fn service_principals() {
        let g = Principal::parse("glue.amazonaws.com").unwrap();
        let spec = PrincipalSpec::Map {
            aws: vec![],
            service: vec!["Glue.amazonaws.com".into()],
            federated: vec![],
            canonical_user: vec![],
        };
        assert_eq!(spec.match_principal(&g), PrincipalMatch::Exact);
        assert_eq!(
            spec_aws(&["123456789012"]).match_principal(&g),
            PrincipalMatch::None
        );
        assert_eq!(
            PrincipalSpec::Wildcard.match_principal(&g),
            PrincipalMatch::Exact
        );
        assert!(g.account().is_none());
    }
}
