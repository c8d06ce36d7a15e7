//! `[roles]`: which people hold which role.
//!
//! The configuration maps each role to members:
//!
//! ```toml
//! [roles]
//! reviewer = ["@acme/engineering", "carol"]
//! soup-reviewer = ["@acme/quality"]
//! release-authority = ["alice", "bob", "dana@example.com"]
//! ```
//!
//! A member is a GitHub login (`carol`, `renovate[bot]`), a team
//! `@org/team-slug`, or an email address. Logins and teams identify GitHub
//! reviewers; an email address identifies a person who approves with an
//! `Approved-by:` commit trailer (see [`crate::approvals_from_git`]), whose
//! GitHub login is known only when the address is a GitHub noreply one.
//! Logins, team names and addresses compare case-insensitively.
//!
//! Teams are expanded with [`RoleMap::resolve`] (the Teams API, members of
//! child teams included); until then they match nobody, and
//! [`crate::fetch_change`] and [`crate::approvals_from_git`] refuse to run.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::api::{Api, CHECK_TEAM, Endpoint, PERM_MEMBERS, block_on};
use crate::context::GitHubContext;
use crate::error::Error;

/// One entry of a role's member list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Member {
    /// A GitHub login, lowercased.
    Login(String),
    /// A GitHub team, `@org/slug`, both lowercased.
    Team {
        /// Organisation login.
        org: String,
        /// Team slug.
        slug: String,
    },
    /// An email address, lowercased.
    Email(String),
}

impl Member {
    /// Parses a member as written in `[roles]`.
    pub fn parse(text: &str) -> Result<Member, String> {
        let text = text.trim();
        if let Some(team) = text.strip_prefix('@') {
            let (org, slug) = team
                .split_once('/')
                .ok_or_else(|| format!("`{text}` is not a team: write `@org/team-slug`"))?;
            if !is_login(org) || !is_slug(slug) {
                return Err(format!(
                    "`{text}` is not a team: write `@org/team-slug` (the slug as in the team's URL)"
                ));
            }
            return Ok(Member::Team {
                org: org.to_ascii_lowercase(),
                slug: slug.to_ascii_lowercase(),
            });
        }
        if is_login(text) {
            return Ok(Member::Login(text.to_ascii_lowercase()));
        }
        if is_email(text) {
            return Ok(Member::Email(text.to_lowercase()));
        }
        Err(format!(
            "member `{text}` is not a GitHub login, an `@org/team-slug` or an email address"
        ))
    }
}

impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Member::Login(login) => f.write_str(login),
            Member::Team { org, slug } => write!(f, "@{org}/{slug}"),
            Member::Email(email) => f.write_str(email),
        }
    }
}

/// Roles by member, with teams expanded once [`RoleMap::resolve`] ran.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleMap {
    roles: BTreeMap<String, Vec<Member>>,
    /// Expanded teams: (org, slug) → lowercased logins.
    teams: BTreeMap<(String, String), BTreeSet<String>>,
}

#[derive(Deserialize)]
struct TeamMember {
    login: String,
}

impl RoleMap {
    /// Builds the map from the `[roles]` table: role → members.
    pub fn new<R, M, I>(table: I) -> Result<RoleMap, Error>
    where
        I: IntoIterator<Item = (R, M)>,
        R: AsRef<str>,
        M: IntoIterator,
        M::Item: AsRef<str>,
    {
        let mut roles: BTreeMap<String, Vec<Member>> = BTreeMap::new();
        for (role, members) in table {
            let role = role.as_ref().trim();
            if role.is_empty() || role.chars().any(char::is_whitespace) {
                return Err(Error::RoleConfig {
                    role: role.to_string(),
                    reason: "a role name must be non-empty and contain no spaces".to_string(),
                });
            }
            let entry = roles.entry(role.to_string()).or_default();
            for member in members {
                let member =
                    Member::parse(member.as_ref()).map_err(|reason| Error::RoleConfig {
                        role: role.to_string(),
                        reason,
                    })?;
                if !entry.contains(&member) {
                    entry.push(member);
                }
            }
        }
        Ok(RoleMap {
            roles,
            teams: BTreeMap::new(),
        })
    }

    /// The roles and their members as configured.
    pub fn roles(&self) -> impl Iterator<Item = (&str, &[Member])> {
        self.roles.iter().map(|(r, m)| (r.as_str(), m.as_slice()))
    }

    /// Every team named, `(org, slug)`, sorted.
    pub fn teams(&self) -> Vec<(String, String)> {
        let teams: BTreeSet<(String, String)> = self
            .roles
            .values()
            .flatten()
            .filter_map(|m| match m {
                Member::Team { org, slug } => Some((org.clone(), slug.clone())),
                _ => None,
            })
            .collect();
        teams.into_iter().collect()
    }

    /// Teams named but not yet expanded, as `@org/slug`.
    pub fn unresolved_teams(&self) -> Vec<String> {
        self.teams()
            .into_iter()
            .filter(|t| !self.teams.contains_key(t))
            .map(|(org, slug)| format!("@{org}/{slug}"))
            .collect()
    }

    /// Expands every team through `GET /orgs/{org}/teams/{team_slug}/members`
    /// (all pages). Needs a token that can read the organisation's teams:
    /// `members: read` (see [`Error::Forbidden`]).
    pub fn resolve(&mut self, ctx: &GitHubContext) -> Result<(), Error> {
        let pending: Vec<(String, String)> = self
            .teams()
            .into_iter()
            .filter(|t| !self.teams.contains_key(t))
            .collect();
        if pending.is_empty() {
            return Ok(());
        }
        let fetched = block_on(async {
            let api = Api::new(ctx)?;
            let mut fetched = Vec::new();
            for (org, slug) in pending {
                let endpoint = Endpoint {
                    method: "GET",
                    path: format!("/orgs/{org}/teams/{slug}/members"),
                    what: format!("team @{org}/{slug}"),
                    check: CHECK_TEAM,
                    permission: PERM_MEMBERS,
                };
                let members: Vec<TeamMember> = api.get_all(&endpoint).await?;
                fetched.push((org, slug, members));
            }
            Ok::<_, Error>(fetched)
        })??;
        for (org, slug, members) in fetched {
            let logins = members
                .into_iter()
                .map(|m| m.login.to_ascii_lowercase())
                .collect();
            self.teams.insert((org, slug), logins);
        }
        Ok(())
    }

    /// Sets a team's members without asking GitHub (offline use, tests).
    /// `team` is `@org/slug`.
    pub fn with_team_members<I>(mut self, team: &str, logins: I) -> Result<RoleMap, Error>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let Member::Team { org, slug } =
            Member::parse(team).map_err(|reason| Error::RoleConfig {
                role: "(team members)".to_string(),
                reason,
            })?
        else {
            return Err(Error::RoleConfig {
                role: "(team members)".to_string(),
                reason: format!("`{team}` is not a team: write `@org/team-slug`"),
            });
        };
        let logins = logins
            .into_iter()
            .map(|l| l.as_ref().trim().to_ascii_lowercase())
            .collect();
        self.teams.insert((org, slug), logins);
        Ok(self)
    }

    /// The roles of a GitHub login (directly or through an expanded team),
    /// sorted. Case-insensitive.
    pub fn roles_of(&self, login: &str) -> Vec<String> {
        let login = login.trim().to_ascii_lowercase();
        self.roles_where(|member| match member {
            Member::Login(l) => *l == login,
            Member::Team { org, slug } => self
                .teams
                .get(&(org.clone(), slug.clone()))
                .is_some_and(|logins| logins.contains(&login)),
            Member::Email(_) => false,
        })
    }

    /// The roles of a person known by email address (a commit trailer):
    /// members listing that address, and, for a GitHub noreply address
    /// (`[ID+]LOGIN@users.noreply.HOST`), the roles of that login. Sorted.
    pub fn roles_of_email(&self, email: &str) -> Vec<String> {
        let email = email.trim().to_lowercase();
        let mut roles: BTreeSet<String> = self
            .roles_where(|member| matches!(member, Member::Email(e) if *e == email))
            .into_iter()
            .collect();
        if let Some(login) = noreply_login(&email) {
            roles.extend(self.roles_of(&login));
        }
        roles.into_iter().collect()
    }

    fn roles_where(&self, matches: impl Fn(&Member) -> bool) -> Vec<String> {
        self.roles
            .iter()
            .filter(|(_, members)| members.iter().any(&matches))
            .map(|(role, _)| role.clone())
            .collect()
    }

    pub(crate) fn ensure_resolved(&self) -> Result<(), Error> {
        let unresolved = self.unresolved_teams();
        if unresolved.is_empty() {
            Ok(())
        } else {
            Err(Error::UnresolvedTeams {
                teams: unresolved.join(", "),
            })
        }
    }
}

/// The login of a GitHub noreply address (`12345+octocat@users.noreply.github.com`
/// or `octocat@users.noreply.github.com`; GHES: `users.noreply.HOST`).
pub(crate) fn noreply_login(email: &str) -> Option<String> {
    let (local, domain) = email.trim().rsplit_once('@')?;
    if !domain.to_ascii_lowercase().starts_with("users.noreply.") {
        return None;
    }
    let login = match local.split_once('+') {
        Some((id, login)) if id.bytes().all(|b| b.is_ascii_digit()) => login,
        Some(_) => return None,
        None => local,
    };
    is_login(login).then(|| login.to_ascii_lowercase())
}

/// A person's identity from git: the GitHub login for a noreply address,
/// else the lowercased address.
pub(crate) fn identity_of_email(email: &str) -> String {
    noreply_login(email).unwrap_or_else(|| email.trim().to_lowercase())
}

fn is_login(text: &str) -> bool {
    static LOGIN: OnceLock<regex::Regex> = OnceLock::new();
    LOGIN
        .get_or_init(|| {
            regex::Regex::new(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")
                .expect("valid regex")
        })
        .is_match(text)
}

fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn is_email(text: &str) -> bool {
    static EMAIL: OnceLock<regex::Regex> = OnceLock::new();
    EMAIL
        .get_or_init(|| {
            regex::Regex::new(r"^[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+$").expect("valid regex")
        })
        .is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_parse() {
        assert_eq!(
            Member::parse("Alice").unwrap(),
            Member::Login("alice".into())
        );
        assert_eq!(
            Member::parse("renovate[bot]").unwrap(),
            Member::Login("renovate[bot]".into())
        );
        assert_eq!(
            Member::parse("@Acme/Quality-Team").unwrap(),
            Member::Team {
                org: "acme".into(),
                slug: "quality-team".into()
            }
        );
        assert_eq!(
            Member::parse("Dana@Example.com").unwrap(),
            Member::Email("dana@example.com".into())
        );
        assert!(Member::parse("@acme").is_err());
        assert!(Member::parse("two words").is_err());
        assert!(Member::parse("-dash").is_err());
    }

    #[test]
    fn noreply_addresses_name_logins() {
        assert_eq!(
            noreply_login("12345+OctoCat@users.noreply.github.com").as_deref(),
            Some("octocat")
        );
        assert_eq!(
            noreply_login("octocat@users.noreply.ghe.example.com").as_deref(),
            Some("octocat")
        );
        assert_eq!(noreply_login("octocat@example.com"), None);
    }
}
