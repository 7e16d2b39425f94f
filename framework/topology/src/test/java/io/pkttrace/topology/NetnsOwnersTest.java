package io.pkttrace.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkttrace.api.PkttraceException;
import io.pkttrace.core.netns.NetnsNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owner records against a scripted iproute2: only namespaces whose creator is certainly dead are removed. */
class NetnsOwnersTest {
    @TempDir
    Path tmp;

    private Path netns;
    private Path records;
    private FakeIpRunner ip;
    private NetnsOwners owners;

    @BeforeEach
    void setUp() throws Exception {
        netns = Files.createDirectory(tmp.resolve("netns"));
        records = tmp.resolve("owners");
        ip = new FakeIpRunner(netns);
        owners = new NetnsOwners(records, netns);
    }

    /** A namespace made by a process that is gone: this process's identity with another start time. */
    private String killedOnesNamespace(String name) throws Exception {
        ProcessIdentity self = ProcessIdentity.current();
        return withRecord(name, new ProcessIdentity(self.pid(), self.startTime() + 1, self.bootId(), self.pidNs()), true);
    }

    private String withRecord(String name, ProcessIdentity creator, boolean create) throws Exception {
        long inode = 0;
        if (create) {
            inode = NetnsNames.inode(Files.createFile(netns.resolve(name)));
        }
        Files.createDirectories(records, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(records.resolve(name), creator.toRecord() + (inode != 0 ? "inode=" + inode + "\n" : ""));
        return name;
    }

    @Test
    void aTopologyRecordsItsNamespacesAndForgetsThemWhenClosed() throws Exception {
        String name;
        try (Topology t = Topology.create(ip, netns, owners)) {
            name = t.netns("client").name();
            String record = Files.readString(records.resolve(name));
            ProcessIdentity self = ProcessIdentity.current();
            assertTrue(record.startsWith(self.toRecord()), record);
            assertTrue(record.endsWith("inode=" + NetnsNames.inode(netns.resolve(name)) + "\n"), record);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(records)));
            assertEquals(List.of(), owners.leftovers(), "its creator runs");
        }
        assertFalse(Files.exists(records.resolve(name)));
    }

    @Test
    void removesWhatADeadPkttraceLeftAndOnlyThat() throws Exception {
        String dead = killedOnesNamespace("pt1a-2b-client");
        String deadUnmounted = withRecord("pt1a-2b-router", new ProcessIdentity(1, 1, "earlier-boot", 1), false);
        String lookAlike = "pt1a-2c-client"; // another tool's, named like ours, no record
        Files.createFile(netns.resolve(lookAlike));
        String running;
        try (Topology t = Topology.create(ip, netns, owners)) {
            running = t.netns("server").name();
            ProcessIdentity self = ProcessIdentity.current();
            String otherPidNs = withRecord("pt1a-2d-client", new ProcessIdentity(self.pid(), 1, self.bootId(), self.pidNs() + 1), true);

            assertEquals(List.of(dead, deadUnmounted), owners.leftovers().stream().map(NetnsOwners.Leftover::name).toList());
            ip.commands.clear();
            assertEquals(List.of(dead), owners.removeLeftovers(ip));
            assertEquals(List.of("ip netns del " + dead), ip.joined());
            assertFalse(Files.exists(netns.resolve(dead)));
            assertFalse(Files.exists(records.resolve(dead)));
            assertFalse(Files.exists(records.resolve(deadUnmounted)), "a record whose namespace was never made is dropped");
            for (String kept : List.of(lookAlike, running, otherPidNs)) {
                assertTrue(Files.exists(netns.resolve(kept)), kept);
            }
            assertTrue(Files.exists(records.resolve(running)));
            assertTrue(Files.exists(records.resolve(otherPidNs)), "a creator in another pid namespace cannot be judged");
        }
    }

    @Test
    void aNameTakenAgainBySomeoneElseIsLeftAlone() throws Exception {
        String name = killedOnesNamespace("pt1a-2e-client");
        // Same name, another namespace: made while the old inode is still in use, so it gets another one.
        Files.move(Files.createFile(netns.resolve("other")), netns.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(List.of(), owners.leftovers());
        assertEquals(List.of(), owners.removeLeftovers(ip));
        assertTrue(Files.exists(netns.resolve(name)));
    }

    @Test
    void recordsThatAreNotOursAreIgnored() throws Exception {
        killedOnesNamespace("pt1a-2f-client");
        Files.writeString(records.resolve("pt1a-2g-client"), "pid=12\n"); // incomplete: no judgement possible
        Files.createFile(netns.resolve("pt1a-2g-client"));
        Files.writeString(records.resolve("not-a-topology-name"), ProcessIdentity.current().toRecord());
        assertEquals(List.of("pt1a-2f-client"), owners.leftovers().stream().map(NetnsOwners.Leftover::name).toList());
    }

    @Test
    void aRecordDirectoryOthersMayWriteIsRefused() throws Exception {
        killedOnesNamespace("pt1a-2h-client");
        Files.setPosixFilePermissions(records, PosixFilePermissions.fromString("rwxrwxrwx"));
        PkttraceException e = assertThrows(PkttraceException.class, () -> owners.removeLeftovers(ip));
        assertTrue(e.getMessage().contains("is not a private directory"), e.getMessage());
        assertTrue(Files.exists(netns.resolve("pt1a-2h-client")));
    }

    @Test
    void aReusedPidIsNotTheCreator() {
        ProcessIdentity self = ProcessIdentity.current();
        assertTrue(self.mayRun());
        assertFalse(new ProcessIdentity(self.pid(), self.startTime() - 1, self.bootId(), self.pidNs()).mayRun());
        assertFalse(new ProcessIdentity(self.pid(), self.startTime(), "another-boot", self.pidNs()).mayRun());
        assertTrue(new ProcessIdentity(self.pid() + 1_000_000, 1, self.bootId(), self.pidNs() + 1).mayRun());
    }
}
