//! Approvals evidence from GitHub and from git.
