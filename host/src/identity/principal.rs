//! Who a signed-in user is, what they may do where, and on which day.

use std::sync::Arc;

use super::roles::{Permission, Role};

/// The scope of a role assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole platform (operators only).
    Platform,
    /// Every property of one customer.
    Customer(String),
    /// One property of a customer.
    Property { customer: String, property: String },
}

/// A role for a scope, valid from one day (inclusive) until another (exclusive).
#[derive(Debug, Clone)]
pub struct Assignment {
    pub id: String,
    pub role: Role,
    pub scope: Scope,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
}

/// A user's occupancy of a unit, which makes them a resident of its property
/// from `starts_on` until the day before `ends_on`.
#[derive(Debug, Clone)]
pub struct Residence {
    pub occupancy_id: String,
    pub customer_id: String,
    pub property_id: String,
    pub unit_id: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
}

/// The object an action touches: always a customer, often one property.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub customer: &'a str,
    pub property: Option<&'a str>,
}

impl<'a> Target<'a> {
    pub fn customer(customer: &'a str) -> Target<'a> {
        Target { customer, property: None }
    }

    pub fn property(customer: &'a str, property: &'a str) -> Target<'a> {
        Target { customer, property: Some(property) }
    }
}

/// Which properties of a customer a permission reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropertyReach {
    All,
    Some(Vec<String>),
}

/// A signed-in user with their roles and occupancies, as of `today`.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: String,
    pub session_id: String,
    pub name: String,
    pub locale: String,
    pub assignments: Arc<[Assignment]>,
    pub residences: Arc<[Residence]>,
    /// The (customer, property) the user chose for this session, if any.
    pub chosen_property: Option<(String, String)>,
    /// `YYYY-MM-DD` (UTC) the decisions are made for.
    pub today: String,
}

fn within(today: &str, from: Option<&str>, until: Option<&str>) -> bool {
    from.is_none_or(|from| from <= today) && until.is_none_or(|until| today < until)
}

impl Scope {
    fn covers(&self, target: Target<'_>) -> bool {
        match self {
            Scope::Platform => true,
            Scope::Customer(customer) => customer == target.customer,
            Scope::Property { customer, property } => {
                customer == target.customer && target.property == Some(property.as_str())
            }
        }
    }
}

impl Principal {
    /// Assignments in force today.
    pub fn active_assignments(&self) -> impl Iterator<Item = &Assignment> {
        self.assignments.iter().filter(|a| within(&self.today, a.valid_from.as_deref(), a.valid_until.as_deref()))
    }

    /// Occupancies in force today.
    pub fn active_residences(&self) -> impl Iterator<Item = &Residence> {
        self.residences.iter().filter(|r| within(&self.today, Some(&r.starts_on), r.ends_on.as_deref()))
    }

    pub fn is_operator(&self) -> bool {
        self.active_assignments().any(|a| a.role == Role::Operator)
    }

    /// Whether the user holds `permission` anywhere: the coarse check every
    /// route makes before it looks at any object.
    pub fn holds_anywhere(&self, permission: Permission) -> bool {
        match permission {
            Permission::Public | Permission::Authenticated => true,
            _ => {
                self.active_assignments().any(|a| a.role.grants(permission))
                    || (Role::Resident.grants(permission) && self.active_residences().next().is_some())
            }
        }
    }

    /// Whether the user holds `permission` for `target`.
    pub fn may(&self, permission: Permission, target: Target<'_>) -> bool {
        if matches!(permission, Permission::Public | Permission::Authenticated) {
            return true;
        }
        let by_role = self.active_assignments().any(|a| a.role.grants(permission) && a.scope.covers(target));
        let as_resident = Role::Resident.grants(permission)
            && target.property.is_some_and(|property| {
                self.active_residences().any(|r| r.customer_id == target.customer && r.property_id == property)
            });
        by_role || as_resident
    }

    /// The customers where the user holds `permission` for the whole customer;
    /// `None` means all of them (operators).
    pub fn customer_wide(&self, permission: Permission) -> Option<Vec<String>> {
        let mut customers = Vec::new();
        for assignment in self.active_assignments().filter(|a| a.role.grants(permission)) {
            match &assignment.scope {
                Scope::Platform => return None,
                Scope::Customer(customer) => customers.push(customer.clone()),
                Scope::Property { .. } => {}
            }
        }
        Some(customers)
    }

    /// Which properties of `customer` `permission` reaches.
    pub fn property_reach(&self, permission: Permission, customer: &str) -> PropertyReach {
        if self.may(permission, Target::customer(customer)) {
            return PropertyReach::All;
        }
        let mut properties: Vec<String> = self
            .active_assignments()
            .filter(|a| a.role.grants(permission))
            .filter_map(|a| match &a.scope {
                Scope::Property { customer: c, property } if c == customer => Some(property.clone()),
                _ => None,
            })
            .collect();
        if Role::Resident.grants(permission) {
            properties
                .extend(self.active_residences().filter(|r| r.customer_id == customer).map(|r| r.property_id.clone()));
        }
        properties.sort();
        properties.dedup();
        PropertyReach::Some(properties)
    }

    /// The properties where the user may use apps, as (customer, property).
    pub fn app_properties(&self) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = self
            .active_residences()
            .map(|r| (r.customer_id.clone(), r.property_id.clone()))
            .chain(self.active_assignments().filter(|a| a.role.grants(Permission::AppsUse)).filter_map(|a| {
                match &a.scope {
                    Scope::Property { customer, property } => Some((customer.clone(), property.clone())),
                    _ => None,
                }
            }))
            .collect();
        found.sort();
        found.dedup();
        found
    }

    /// The one customer the user belongs to, if exactly one: for filing
    /// audit entries of actions whose route names no customer.
    pub fn home_customer(&self) -> Option<String> {
        if let Some((customer, _)) = &self.chosen_property {
            return Some(customer.clone());
        }
        let mut customers: Vec<&str> = self
            .active_assignments()
            .filter_map(|a| match &a.scope {
                Scope::Customer(customer) | Scope::Property { customer, .. } => Some(customer.as_str()),
                Scope::Platform => None,
            })
            .chain(self.active_residences().map(|r| r.customer_id.as_str()))
            .collect();
        customers.sort_unstable();
        customers.dedup();
        match customers.as_slice() {
            [only] => Some((*only).to_owned()),
            _ => None,
        }
    }

    /// The roles the user holds at one property today, by name.
    /// The units of `property` where the person's occupancy is current.
    pub fn units_at(&self, customer: &str, property: &str) -> Vec<String> {
        let mut units: Vec<String> = self
            .active_residences()
            .filter(|r| r.customer_id == customer && r.property_id == property)
            .map(|r| r.unit_id.clone())
            .collect();
        units.sort();
        units.dedup();
        units
    }

    pub fn roles_at(&self, customer: &str, property: &str) -> Vec<String> {
        let target = Target::property(customer, property);
        let mut roles: Vec<String> =
            self.active_assignments().filter(|a| a.scope.covers(target)).map(|a| a.role.name().to_owned()).collect();
        if self.active_residences().any(|r| r.customer_id == customer && r.property_id == property) {
            roles.push(Role::Resident.name().to_owned());
        }
        roles.sort();
        roles.dedup();
        roles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(assignments: Vec<Assignment>, residences: Vec<Residence>) -> Principal {
        Principal {
            user_id: "u".into(),
            session_id: "s".into(),
            name: "U".into(),
            locale: "en".into(),
            assignments: assignments.into(),
            residences: residences.into(),
            chosen_property: None,
            today: "2026-06-15".into(),
        }
    }

    fn residence(ends_on: Option<&str>) -> Residence {
        Residence {
            occupancy_id: "o".into(),
            customer_id: "c1".into(),
            property_id: "p1".into(),
            unit_id: "u1".into(),
            starts_on: "2026-01-01".into(),
            ends_on: ends_on.map(str::to_owned),
        }
    }

    #[test]
    fn an_occupancy_ending_today_gives_no_access_today() {
        let living = principal(vec![], vec![residence(Some("2026-06-16"))]);
        assert!(living.may(Permission::AppsUse, Target::property("c1", "p1")));
        let moved_out = principal(vec![], vec![residence(Some("2026-06-15"))]);
        assert!(!moved_out.may(Permission::AppsUse, Target::property("c1", "p1")));
        assert!(moved_out.app_properties().is_empty());
    }

    #[test]
    fn property_scoped_staff_reach_only_their_property() {
        let manager = principal(
            vec![Assignment {
                id: "a".into(),
                role: Role::PropertyManager,
                scope: Scope::Property { customer: "c1".into(), property: "p1".into() },
                valid_from: None,
                valid_until: Some("2027-01-01".into()),
            }],
            vec![],
        );
        assert!(manager.may(Permission::UnitsWrite, Target::property("c1", "p1")));
        assert!(!manager.may(Permission::UnitsWrite, Target::property("c1", "p2")));
        assert!(!manager.may(Permission::UnitsWrite, Target::property("c2", "p1")));
        assert!(!manager.may(Permission::RolesAssign, Target::property("c1", "p1")));
        assert_eq!(manager.property_reach(Permission::UnitsRead, "c1"), PropertyReach::Some(vec!["p1".into()]));
        assert_eq!(manager.customer_wide(Permission::UnitsRead), Some(vec![]));
    }
}
