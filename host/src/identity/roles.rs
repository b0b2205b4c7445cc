//! Named roles and the explicit permissions each one carries.
//!
//! Deny by default: a permission is held only where a role that lists it is
//! assigned, for that scope and on that day. Residents hold the resident role
//! through an active occupancy, never through an assignment.

use serde::{Deserialize, Serialize};

/// What a route or an action needs. Every platform route declares one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Permission {
    /// Anyone, signed in or not (sign-up, sign-in, health).
    Public,
    /// Any signed-in user, for their own account.
    Authenticated,
    /// Create customers and see all of them (operators).
    CustomersCreate,
    /// Appoint and remove platform operators.
    OperatorsManage,
    CustomerRead,
    CustomerUpdate,
    PropertiesRead,
    PropertiesWrite,
    UnitsRead,
    UnitsWrite,
    OccupanciesRead,
    OccupanciesWrite,
    /// See the residents and staff within scope.
    PeopleRead,
    /// Correct the name or locale of residents and staff within scope.
    PeopleWrite,
    /// Create staff accounts and give or take roles.
    RolesAssign,
    /// Issue activation codes for occupancies.
    ActivationCodesIssue,
    /// See and decide access requests.
    AccessRequestsDecide,
    /// Import master data from a property-management system.
    MasterDataImport,
    /// Invite a person who lives with you.
    ResidentsInvite,
    /// Use the micro-apps of a property.
    AppsUse,
    /// Enable apps for properties and approve what they may do.
    AppsApprove,
    /// Query and export the audit log.
    AuditRead,
    /// Work through reports of abusive posts, listings, profiles and
    /// messages: hide, restore, delete.
    ContentModerate,
}

impl Permission {
    pub fn name(self) -> &'static str {
        match self {
            Permission::Public => "public",
            Permission::Authenticated => "authenticated",
            Permission::CustomersCreate => "customers-create",
            Permission::OperatorsManage => "operators-manage",
            Permission::CustomerRead => "customer-read",
            Permission::CustomerUpdate => "customer-update",
            Permission::PropertiesRead => "properties-read",
            Permission::PropertiesWrite => "properties-write",
            Permission::UnitsRead => "units-read",
            Permission::UnitsWrite => "units-write",
            Permission::OccupanciesRead => "occupancies-read",
            Permission::OccupanciesWrite => "occupancies-write",
            Permission::PeopleRead => "people-read",
            Permission::PeopleWrite => "people-write",
            Permission::RolesAssign => "roles-assign",
            Permission::ActivationCodesIssue => "activation-codes-issue",
            Permission::AccessRequestsDecide => "access-requests-decide",
            Permission::MasterDataImport => "master-data-import",
            Permission::ResidentsInvite => "residents-invite",
            Permission::AppsUse => "apps-use",
            Permission::AppsApprove => "apps-approve",
            Permission::AuditRead => "audit-read",
            Permission::ContentModerate => "content-moderate",
        }
    }
}

/// A named role. Each maps to a fixed set of permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Runs the platform: creates customers, keeps the app catalog.
    Operator,
    /// Administers one customer: staff, roles, master data.
    CustomerAdmin,
    /// Manages properties: units, occupancies, residents, access requests.
    PropertyManager,
    /// Handles service tickets; sees residents but changes no master data.
    ServiceAgent,
    /// Lives in a unit (through an occupancy).
    Resident,
}

use Permission as P;

const OPERATOR: &[Permission] = &[
    P::CustomersCreate,
    P::OperatorsManage,
    P::CustomerRead,
    P::CustomerUpdate,
    P::PropertiesRead,
    P::PropertiesWrite,
    P::UnitsRead,
    P::UnitsWrite,
    P::OccupanciesRead,
    P::OccupanciesWrite,
    P::PeopleRead,
    P::PeopleWrite,
    P::RolesAssign,
    P::ActivationCodesIssue,
    P::AccessRequestsDecide,
    P::MasterDataImport,
    P::AuditRead,
];
const CUSTOMER_ADMIN: &[Permission] = &[
    P::CustomerRead,
    P::CustomerUpdate,
    P::PropertiesRead,
    P::PropertiesWrite,
    P::UnitsRead,
    P::UnitsWrite,
    P::OccupanciesRead,
    P::OccupanciesWrite,
    P::PeopleRead,
    P::PeopleWrite,
    P::RolesAssign,
    P::ActivationCodesIssue,
    P::AccessRequestsDecide,
    P::MasterDataImport,
    P::AppsUse,
    P::AppsApprove,
    P::AuditRead,
    P::ContentModerate,
];
const PROPERTY_MANAGER: &[Permission] = &[
    P::CustomerRead,
    P::PropertiesRead,
    P::UnitsRead,
    P::UnitsWrite,
    P::OccupanciesRead,
    P::OccupanciesWrite,
    P::PeopleRead,
    P::PeopleWrite,
    P::ActivationCodesIssue,
    P::AccessRequestsDecide,
    P::AppsUse,
    P::ContentModerate,
];
const SERVICE_AGENT: &[Permission] =
    &[P::CustomerRead, P::PropertiesRead, P::UnitsRead, P::OccupanciesRead, P::PeopleRead, P::AppsUse];
const RESIDENT: &[Permission] = &[P::PropertiesRead, P::ResidentsInvite, P::AppsUse];

impl Role {
    pub const ALL: [Role; 5] =
        [Role::Operator, Role::CustomerAdmin, Role::PropertyManager, Role::ServiceAgent, Role::Resident];

    pub fn name(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::CustomerAdmin => "customer-admin",
            Role::PropertyManager => "property-manager",
            Role::ServiceAgent => "service-agent",
            Role::Resident => "resident",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.name() == name)
    }

    pub fn permissions(self) -> &'static [Permission] {
        match self {
            Role::Operator => OPERATOR,
            Role::CustomerAdmin => CUSTOMER_ADMIN,
            Role::PropertyManager => PROPERTY_MANAGER,
            Role::ServiceAgent => SERVICE_AGENT,
            Role::Resident => RESIDENT,
        }
    }

    pub fn grants(self, permission: Permission) -> bool {
        matches!(permission, Permission::Public | Permission::Authenticated) || self.permissions().contains(&permission)
    }

    /// Whether this role is staff of a customer (assignable by a customer admin).
    pub fn is_staff(self) -> bool {
        matches!(self, Role::CustomerAdmin | Role::PropertyManager | Role::ServiceAgent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_residents_hold_no_admin_permission() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.name()), Some(role));
        }
        assert!(Role::parse("root").is_none());
        for admin in [P::RolesAssign, P::PropertiesWrite, P::OccupanciesWrite, P::MasterDataImport, P::PeopleRead] {
            assert!(!Role::Resident.grants(admin), "{admin:?}");
        }
    }

    #[test]
    fn staff_roles_never_exceed_the_customer_admin() {
        for role in [Role::PropertyManager, Role::ServiceAgent] {
            for permission in role.permissions() {
                assert!(Role::CustomerAdmin.grants(*permission), "{role:?} holds {permission:?}");
            }
        }
    }
}
