//! The demo organisation the simulator starts with. The numbers and names come from the vendors'
//! samples where they give some (Rescue group 337364, technician 337366, session 12345678;
//! Commvault groups 16, 34 and `DEV_0012`); the credentials are the simulator's own.
//!
//! LogMeIn Rescue:
//!
//! | node | kind | notes |
//! | --- | --- | --- |
//! | 337360 | Root | Demo Organisation |
//! | 337361 | MasterAdministrators | |
//! | 337362 | MasterAdministrator | `some@email.com` / `secretPassword`, authcode [`DEMO_AUTH_CODE`] |
//! | 337372 | Administrator | disabled: `disabled@email.com`, authcode [`DISABLED_AUTH_CODE`] |
//! | 337373 | Administrator | [`RESTRICTED_EMAIL`], may log in from 203.0.113.10 only |
//! | 337363 | Technicians | |
//! | 337364 | TechnicianGroup | TechGroup: enabled, seats 10 / 10 / 5, RemoteControl and RemoteView |
//! | 337366 | Technician | Terry Tech, in 337364, console running |
//! | 337367 | Technician | Olive Offline, in 337364, console not running |
//! | 337365 | TechnicianGroup | Tier 2: enabled, seats 8 / 5 / 2, with SessionHoldNotAllowed |
//! | 337368 | Technician | Tina Tier2, in 337365, console running |
//! | 337369 | TechnicianGroup | Legacy: disabled, seats 4 / 2 / 1 |
//! | 337370 | TechnicianGroup | Legacy Tier 1, under 337369: disabled, seats 0 / 0 / 0 |
//! | 337371 | TechnicianGroup | Flaky Group: every group operation answers `..._Error` |
//! | 337380 | Channel | Support Channel |
//!
//! The organisation has 25 standard, 20 mobile and 10 RPAT seats. Sessions: 12345678 waiting
//! in the Support Channel; 12345679 picked up by 337366; 12345680 picked up by 337367
//! (offline); 12345681 on hold with 337368.
//!
//! RSA Archer (instance `Demo`): users 1 `apiuser` / [`ARCHER_PASSWORD`], 2 `jdoe`, 3
//! `asmith`, 4 `jdomain` in domain `CORP` (same password); groups 1 Everyone (everyone), 2
//! Administrators (apiuser), 3 Risk Managers (jdoe), 4 Risk Analysts (child of 3; asmith). A
//! session with token [`ARCHER_DEMO_TOKEN`] is open from the start.
//!
//! Commvault: users `admin` / [`COMMVAULT_PASSWORD`], `jsmith`, `mjones`; user groups 16
//! "Alert Management Only: CommCell Level", 12 `DEV_0012` (storage policy STOR_001 with role
//! Reporting_admin), 34 "Laptop Users"; roles Master, View, Reporting_admin, Tenant Admin.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use crate::commvault::api as cv;
use crate::logmein_rescue::api::{NodeType, SessionStatus};

use super::{archer, commvault, rescue};

/// The demo administrator's email.
pub const ADMIN_EMAIL: &str = "some@email.com";
/// The demo administrator's password (and that of the other seeded Rescue accounts).
pub const ADMIN_PASSWORD: &str = "secretPassword";
/// The demo administrator's authcode, valid until a new one is requested.
pub const DEMO_AUTH_CODE: &str = "DemoAuthCode4ahx80u0";
/// A disabled administrator's email.
pub const DISABLED_EMAIL: &str = "disabled@email.com";
/// The authcode the disabled administrator obtained before being disabled.
pub const DISABLED_AUTH_CODE: &str = "DisabledAdminAuthCode0001";
/// An administrator who may log in from 203.0.113.10 only.
pub const RESTRICTED_EMAIL: &str = "restricted@email.com";

/// The Archer API user.
pub const ARCHER_USER: &str = "apiuser";
/// The password of every seeded Archer user.
pub const ARCHER_PASSWORD: &str = "Archer-Demo-1";
/// A session token that is valid from the start (user `apiuser`).
pub const ARCHER_DEMO_TOKEN: &str = "DemoSessionToken0000000000000001";

/// The Commvault administrator.
pub const COMMVAULT_USER: &str = "admin";
/// The password of every seeded Commvault user.
pub const COMMVAULT_PASSWORD: &str = "Commvault-Demo-1";

fn node(id: i32, name: &str, kind: NodeType, parent: Option<i32>) -> rescue::Node {
    rescue::Node {
        id,
        name: name.to_owned(),
        description: String::new(),
        kind,
        parent,
        enabled: true,
        permissions: Vec::new(),
        locked: Vec::new(),
        seats: rescue::Seats::default(),
        online: true,
        flaky: false,
    }
}

fn group(id: i32, name: &str, parent: i32, seats: (i32, i32, i32), enabled: bool) -> rescue::Node {
    rescue::Node {
        seats: rescue::Seats {
            standard: seats.0,
            mobile: seats.1,
            rpat: seats.2,
        },
        enabled,
        description: format!("{name} (demo)"),
        ..node(id, name, NodeType::TechnicianGroup, Some(parent))
    }
}

pub(crate) fn rescue(now: Instant) -> rescue::State {
    let mut state = rescue::State::new(rescue::Seats {
        standard: 25,
        mobile: 20,
        rpat: 10,
    });
    let mut tech_group = group(337364, "TechGroup", 337363, (10, 10, 5), true);
    tech_group.permissions = vec!["RemoteControl".into(), "RemoteView".into()];
    tech_group.locked = vec!["CallingCardDeployment".into()];
    let mut tier2 = group(337365, "Tier 2", 337363, (8, 5, 2), true);
    tier2.permissions = vec!["RemoteControl".into(), "SessionHoldNotAllowed".into()];
    let mut flaky = group(337371, "Flaky Group", 337363, (0, 0, 0), true);
    flaky.flaky = true;
    let mut offline = node(337367, "Olive Offline", NodeType::Technician, Some(337364));
    offline.online = false;
    let nodes = [
        node(337360, "Demo Organisation", NodeType::Root, None),
        node(
            337361,
            "Master Administrators",
            NodeType::MasterAdministrators,
            Some(337360),
        ),
        node(
            337362,
            "Ada Admin",
            NodeType::MasterAdministrator,
            Some(337361),
        ),
        node(
            337372,
            "Dan Disabled",
            NodeType::Administrator,
            Some(337361),
        ),
        node(
            337373,
            "Rita Restricted",
            NodeType::Administrator,
            Some(337361),
        ),
        node(337363, "Technicians", NodeType::Technicians, Some(337360)),
        tech_group,
        node(337366, "Terry Tech", NodeType::Technician, Some(337364)),
        offline,
        tier2,
        node(337368, "Tina Tier2", NodeType::Technician, Some(337365)),
        group(337369, "Legacy", 337363, (4, 2, 1), false),
        group(337370, "Legacy Tier 1", 337369, (0, 0, 0), false),
        flaky,
        node(337380, "Support Channel", NodeType::Channel, Some(337360)),
    ];
    state.nodes = nodes
        .into_iter()
        .map(|n| (n.id, n))
        .collect::<BTreeMap<_, _>>();
    let account = |email: &str, node: i32| rescue::Account {
        email: email.to_owned(),
        password: ADMIN_PASSWORD.to_owned(),
        node,
        enabled: true,
        admin: true,
        allowed_ips: None,
        auth_code: None,
    };
    state.accounts = vec![
        rescue::Account {
            auth_code: Some(DEMO_AUTH_CODE.to_owned()),
            ..account(ADMIN_EMAIL, 337362)
        },
        rescue::Account {
            enabled: false,
            auth_code: Some(DISABLED_AUTH_CODE.to_owned()),
            ..account(DISABLED_EMAIL, 337372)
        },
        rescue::Account {
            allowed_ips: Some(vec![IpAddr::V4(Ipv4Addr::new(203, 0, 113, 10))]),
            ..account(RESTRICTED_EMAIL, 337373)
        },
    ];
    let session =
        |id: i32, status: SessionStatus, entry: i32, tech: Option<i32>, customer: &str| {
            rescue::Session {
                id,
                status,
                entry,
                technician: tech,
                start_time: "2024-05-02 09:30:00".into(),
                waiting_since: now,
                customer: customer.to_owned(),
                language: "en".into(),
                transferred_to: None,
                transferred_comment: None,
                closed: false,
                undo: None,
            }
        };
    state.sessions = [
        session(
            12345678,
            SessionStatus::Waiting,
            337380,
            None,
            "Jane Customer",
        ),
        session(
            12345679,
            SessionStatus::Pickedup,
            337380,
            Some(337366),
            "Carl Customer",
        ),
        session(
            12345680,
            SessionStatus::Pickedup,
            337380,
            Some(337367),
            "Olga Customer",
        ),
        session(
            12345681,
            SessionStatus::Onhold,
            337380,
            Some(337368),
            "Hank Customer",
        ),
    ]
    .into_iter()
    .map(|s| (s.id, s))
    .collect();
    state
}

pub(crate) fn archer() -> archer::State {
    let user = |id: i32, name: &str, first: &str, last: &str, domain: Option<&str>| archer::User {
        id,
        user_name: name.to_owned(),
        domain: domain.map(str::to_owned),
        password: ARCHER_PASSWORD.to_owned(),
        first_name: first.to_owned(),
        last_name: last.to_owned(),
    };
    let group = |id: i32, name: &str, description: &str, parents: Vec<i32>, members: Vec<i32>| {
        archer::Group {
            id,
            name: name.to_owned(),
            description: description.to_owned(),
            parents,
            members,
            everyone: false,
        }
    };
    let mut state = archer::State {
        users: vec![
            user(1, ARCHER_USER, "Api", "User", None),
            user(2, "jdoe", "John", "Doe", None),
            user(3, "asmith", "Alice", "Smith", None),
            user(4, "jdomain", "Jo", "Domain", Some("CORP")),
        ],
        next_group_id: 5,
        ..archer::State::default()
    };
    let groups = [
        archer::Group {
            everyone: true,
            ..group(1, "Everyone", "Every user", Vec::new(), vec![1, 2, 3, 4])
        },
        group(
            2,
            "Administrators",
            "System administrators",
            Vec::new(),
            vec![1],
        ),
        group(
            3,
            "Risk Managers",
            "Own the risk register",
            Vec::new(),
            vec![2],
        ),
        group(4, "Risk Analysts", "Assess risks", vec![3], vec![3]),
    ];
    state.groups = groups.into_iter().map(|g| (g.id, g)).collect();
    state.sessions.insert(ARCHER_DEMO_TOKEN.to_owned(), 1);
    state
}

pub(crate) fn commvault() -> commvault::State {
    let user = |name: &str, full: &str, n: u32| commvault::User {
        name: name.to_owned(),
        password: COMMVAULT_PASSWORD.to_owned(),
        email: format!("{name}@demo.example"),
        full_name: full.to_owned(),
        guid: format!("9F3A0C1E-0000-4000-8000-{n:012}"),
    };
    let group = |id: i32, name: &str, description: &str| commvault::UserGroup {
        id,
        name: name.to_owned(),
        description: description.to_owned(),
        enabled: true,
        black_listed: 0,
        users: Vec::new(),
        associations: Vec::new(),
    };
    let mut dev = group(12, "DEV_0012", "Development");
    dev.associations.push(cv::SecurityAssociation::with_role(
        vec![cv::Entity {
            storage_policy_name: Some("STOR_001".into()),
            ..cv::Entity::default()
        }],
        "Reporting_admin",
    ));
    dev.users.push("mjones".into());
    commvault::State {
        users: vec![
            user(COMMVAULT_USER, "CommCell Administrator", 1),
            user("jsmith", "John Smith", 2),
            user("mjones", "Mary Jones", 3),
        ],
        groups: vec![
            group(
                16,
                "Alert Management Only: CommCell Level",
                "alert management group",
            ),
            dev,
            group(34, "Laptop Users", "Laptop backup users"),
        ],
        roles: ["Master", "View", "Reporting_admin", "Tenant Admin"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        ..commvault::State::default()
    }
}
