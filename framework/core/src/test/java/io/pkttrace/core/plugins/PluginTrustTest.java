package io.pkttrace.core.plugins;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pkttrace.api.PkttraceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which plugin directories and jars a root pkttrace trusts (files are given away with chown, so: root only). */
class PluginTrustTest {
    private static final PluginTrust.Users ROOT = new PluginTrust.Users(0, -1);
    private static final int NOBODY = 65534;

    @TempDir
    Path tmp;
    Path dir;
    Path jar;

    @BeforeEach
    void layout() throws Exception {
        if (!"0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")))) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("PluginTrustTest needs root (CI=true)");
            }
            Assumptions.abort("needs root to give files to another user");
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        dir = Files.createDirectory(tmp.resolve("plugins"));
        jar = Files.writeString(dir.resolve("a.jar"), "not read by the check");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private PkttraceException refused(Path d, List<Path> jars) {
        return assertThrows(PkttraceException.class, () -> PluginTrust.check(d, jars, ROOT));
    }

    @Test
    void rootOwnedAndNotWritableByOthersIsTrusted() {
        assertDoesNotThrow(() -> PluginTrust.check(dir, List.of(jar), ROOT));
    }

    @Test
    void aDirectoryEveryoneOrTheGroupMayWriteIsRefused() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        PkttraceException e = refused(dir, List.of(jar));
        assertTrue(e.getMessage().contains("plugin directory " + dir.toRealPath() + " is writable by every user"), e.getMessage());
        assertTrue(e.userLine().contains("--allow-untrusted-plugins"), e.userLine());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertTrue(refused(dir, List.of(jar)).getMessage().contains("writable by its group"));
        // The sticky bit does not help the plugin directory itself: others could still add jars.
        Files.setAttribute(dir, "unix:mode", 01777);
        assertTrue(refused(dir, List.of(jar)).getMessage().contains("writable by every user"));
    }

    @Test
    void aDirectoryOrJarOfAnotherUserIsRefused() throws Exception {
        Files.setAttribute(dir, "unix:uid", NOBODY);
        assertTrue(refused(dir, List.of(jar)).getMessage().contains("is owned by user 65534"));
        Files.setAttribute(dir, "unix:uid", 0);
        Files.setAttribute(jar, "unix:uid", NOBODY);
        assertTrue(refused(dir, List.of(jar)).getMessage().contains("plugin " + jar + " is owned by user 65534"));
        // The user sudo ran for may own them: that user can become root anyway.
        assertDoesNotThrow(() -> PluginTrust.check(dir, List.of(jar), new PluginTrust.Users(0, NOBODY)));
    }

    @Test
    void aJarOthersMayWriteIsRefused() throws Exception {
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertTrue(refused(dir, List.of(jar)).getMessage().contains("plugin " + jar + " is writable by every user"));
    }

    @Test
    void parentsUpToTheRootCountButAStickyParentIsFine() throws Exception {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        PkttraceException e = refused(dir, List.of(jar));
        assertTrue(e.getMessage().contains("directory " + tmp.toRealPath() + " (above the plugins) is writable by every user"),
                e.getMessage());
        Files.setAttribute(tmp, "unix:mode", 01777); // like /tmp: others cannot replace what they do not own
        assertDoesNotThrow(() -> PluginTrust.check(dir, List.of(jar), ROOT));
    }

    @Test
    void aLinkedJarIsCheckedWhereItReallyIs() throws Exception {
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path real = Files.writeString(elsewhere.resolve("evil.jar"), "x");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(dir.resolve("evil.jar"), real);
        PkttraceException e = refused(dir, List.of(jar, link));
        assertTrue(e.getMessage().contains(elsewhere.toRealPath() + " (above the plugins) is writable by every user"), e.getMessage());
    }

    @Test
    void anUnprivilegedRunChecksNothingAndTheOverrideWarns() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> warnings = new ArrayList<>();
        new PluginTrust.Policy(new PluginTrust.Users(1000, -1), false, warnings::add).apply(dir, List.of(jar));
        assertEquals(List.of(), warnings);
        assertThrows(PkttraceException.class, () -> new PluginTrust.Policy(ROOT, false, warnings::add).apply(dir, List.of(jar)));
        new PluginTrust.Policy(ROOT, true, warnings::add).apply(dir, List.of(jar));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("WARNING: --allow-untrusted-plugins: loading them although plugin directory"),
                warnings.get(0));
    }
}
