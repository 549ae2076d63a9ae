//! Who makes a requirement's requests: Glue's service principal, or an IAM principal named in
//! the setup, resolved against the snapshot (the role's real ARN with its path, its policies).

use crate::policy::Principal;
use crate::rules::messages::sentence;
use crate::snapshot::{Fact, IamPrincipal, Snapshot, Unknown};

use crate::arn::Arn;
use crate::rules::engine::requirement::PrincipalRole;

pub const GLUE_SERVICE: &str = "glue.amazonaws.com";

/// A resolved requester.
#[derive(Debug, Clone)]
pub enum Requester<'s> {
    Service(Principal),
    Iam {
        /// As named in the setup (a session ARN stays a session ARN).
        named: String,
        principal: Principal,
        /// The role or user as read with GetRole / GetUser.
        facts: &'s IamPrincipal,
    },
    /// A stand-in principal with no identity policies of its own (e.g. "someone in the
    /// source account" when no --source-principal was given).
    Representative(Principal),
}

impl Requester<'_> {
    pub fn principal(&self) -> &Principal {
        match self {
            Requester::Service(p) => p,
            Requester::Iam { principal, .. } => principal,
            Requester::Representative(p) => p,
        }
    }
}

/// Why a requester could not be resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum NoRequester {
    /// The setup names nobody for this role (e.g. no `--source-principal`).
    NotGiven(PrincipalRole),
    /// The named principal does not exist (GetRole said NoSuchEntity).
    DoesNotExist(String),
    /// It could not be read.
    Unreadable(String, Unknown),
    /// The name is not an IAM principal ARN.
    Invalid(String, String),
}

/// The ARN the setup gives for a principal role.
pub fn named(
    snapshot: &Snapshot,
    role: PrincipalRole,
    target_role: Option<&str>,
) -> Option<String> {
    match role {
        PrincipalRole::GlueService => Some(GLUE_SERVICE.to_string()),
        PrincipalRole::SourcePrincipal => snapshot.setup.source_principal.clone(),
        PrincipalRole::TargetRole => target_role.map(String::from),
        PrincipalRole::TargetPrincipal => snapshot.setup.target_principal.clone(),
        PrincipalRole::ConsolePrincipal => snapshot.setup.console_principal.clone(),
    }
}

pub fn resolve<'s>(
    snapshot: &'s Snapshot,
    role: PrincipalRole,
    target_role: Option<&str>,
) -> Result<Requester<'s>, NoRequester> {
    let Some(name) = named(snapshot, role, target_role) else {
        return Err(NoRequester::NotGiven(role));
    };
    if role == PrincipalRole::GlueService {
        return Ok(Requester::Service(Principal::Service {
            service: GLUE_SERVICE.to_string(),
        }));
    }
    let fact = lookup(snapshot, &name).ok_or_else(|| {
        NoRequester::Unreadable(
            name.clone(),
            Unknown::not_collected(sentence("unknown.principal_not_read", &[("name", &name)])),
        )
    })?;
    let facts = match fact {
        Fact::Known(Some(p)) => p,
        Fact::Known(None) => return Err(NoRequester::DoesNotExist(name)),
        Fact::Unknown(u) => return Err(NoRequester::Unreadable(name, u.clone())),
    };
    let principal = if name.contains(":assumed-role/") {
        Principal::parse(&name).map(|p| p.with_role_arn(&facts.arn))
    } else {
        // The stored ARN carries the path the setup may have left out.
        Principal::parse(&facts.arn)
    }
    .map_err(|e| NoRequester::Invalid(name.clone(), e.to_string()))?;
    Ok(Requester::Iam {
        named: name,
        principal,
        facts,
    })
}

/// The snapshot entry for a principal: by the name given, or for a session by its role.
fn lookup<'s>(snapshot: &'s Snapshot, name: &str) -> Option<&'s Fact<Option<IamPrincipal>>> {
    if let Some(f) = snapshot.principals.get(name) {
        return Some(f);
    }
    let role_arn = session_role_arn(name)?;
    snapshot.principals.get(&role_arn).or_else(|| {
        // The role may be stored under its ARN with a path.
        let role_name = role_arn.rsplit('/').next()?;
        snapshot.principals.iter().find_map(|(k, f)| {
            let same = k.contains(":role/") && k.rsplit('/').next() == Some(role_name);
            same.then_some(f)
        })
    })
}

/// `arn:aws:sts::A:assumed-role/NAME/SESSION` -> `arn:aws:iam::A:role/NAME`.
pub fn session_role_arn(name: &str) -> Option<String> {
    let p = Arn::parse(name)?;
    let rest = p.resource.strip_prefix("assumed-role/")?;
    let role = rest.split('/').next()?;
    Some(format!(
        "arn:{}:iam::{}:role/{role}",
        p.partition, p.account
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_to_role() {
        assert_eq!(
            session_role_arn("arn:aws:sts::111111111111:assumed-role/Admin/alice").as_deref(),
            Some("arn:aws:iam::111111111111:role/Admin")
        );
        assert_eq!(session_role_arn("arn:aws:iam::1:role/x"), None);
    }
}
