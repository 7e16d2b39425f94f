package io.pkttrace.plugins.netpath.stacked;

/**
 * A network device as rtnetlink lists it.
 *
 * @param ifindex its index in its namespace
 * @param name    its name
 * @param kind    its rtnetlink link kind (IFLA_INFO_KIND: "macvlan", "vlan", "veth", ...), or "" for
 *                devices without one (physical NICs, loopback)
 */
record Link(int ifindex, String name, String kind) {
}
