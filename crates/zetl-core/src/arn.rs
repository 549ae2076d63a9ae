//! ARNs, parsed in one place: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`. The resource
//! part keeps its colons (`integration:ID`, `log-group:NAME:*`). The policy engine matches
//! ARN *patterns* with its own splitter (`policy::matching`), where `${...}` may hold colons.

/// The six parts of an ARN, borrowed from the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// `None` when the text does not start with `arn:` or has fewer than six parts.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        let (
            Some("arn"),
            Some(partition),
            Some(service),
            Some(region),
            Some(account),
            Some(resource),
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return None;
        };
        Some(Arn {
            partition,
            service,
            region,
            account,
            resource,
        })
    }

    /// The resource's name after a type prefix: `table/orders` with `table/` -> `orders`.
    pub fn resource_after(&self, prefix: &str) -> Option<&'a str> {
        self.resource.strip_prefix(prefix)
    }

    /// The last path segment of the resource: `role/service-role/NAME` -> `NAME`.
    pub fn last_segment(&self) -> &'a str {
        self.resource.rsplit('/').next().unwrap_or(self.resource)
    }
}

/// The account of an ARN, when it is an ARN and names one.
pub fn account_of(text: &str) -> Option<&str> {
    Arn::parse(text)
        .map(|a| a.account)
        .filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_and_names() {
        let a = Arn::parse("arn:aws:glue:us-east-1:222222222222:table/db/t").unwrap();
        assert_eq!(
            (a.partition, a.service, a.region, a.account, a.resource),
            ("aws", "glue", "us-east-1", "222222222222", "table/db/t")
        );
        assert_eq!(a.resource_after("table/"), Some("db/t"));
        assert_eq!(a.last_segment(), "t");
        let i = Arn::parse("arn:aws:glue:us-east-1:1:integration:abc:def").unwrap();
        assert_eq!(i.resource, "integration:abc:def");
        let r = Arn::parse("arn:aws:iam::111111111111:role/service-role/R").unwrap();
        assert_eq!((r.region, r.last_segment()), ("", "R"));
        assert_eq!(account_of("arn:aws:s3:::bucket"), None);
        assert_eq!(account_of("arn:aws:iam::1:role/R"), Some("1"));
        for bad in ["not an arn", "lake", "arn:aws:glue", "aws:glue:r:a:b:c"] {
            assert!(Arn::parse(bad).is_none(), "{bad}");
        }
    }
}
