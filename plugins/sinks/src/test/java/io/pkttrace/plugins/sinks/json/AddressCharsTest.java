package io.pkttrace.plugins.sinks.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pkttrace.api.PacketEvent;
import io.pkttrace.jsonl.AddressChars;
import io.pkttrace.plugins.sinks.EventText;
import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AddressCharsTest {
    private static String fmt(String literal, int family) throws Exception {
        char[] out = new char[AddressChars.MAX];
        return new String(out, 0, AddressChars.format(InetAddress.getByName(literal).getAddress(), family, out));
    }

    @Test
    void sameTextAsEventTextForRfc5952Cases() throws Exception {
        assertEquals("2001:db8:1::2", fmt("2001:db8:1:0:0:0:0:2", 6));
        assertEquals("::1", fmt("::1", 6));
        assertEquals("::", fmt("::", 6));
        assertEquals("fe80::", fmt("fe80::", 6));
        assertEquals("2001:db8:0:1:1:1:1:1", fmt("2001:db8:0:1:1:1:1:1", 6));
        assertEquals("2001:0:0:1::1", fmt("2001:0:0:1:0:0:0:1", 6));
        assertEquals("2001:db8::1:0:0:1", fmt("2001:db8:0:0:1:0:0:1", 6));
        assertEquals("198.18.1.2", fmt("198.18.1.2", 4));
        assertEquals("0.0.0.0", fmt("0.0.0.0", 4));
        assertEquals("255.255.255.255", fmt("255.255.255.255", 4));
    }

    @Test
    void ipv4MappedKeepsItsIpv6Form() {
        byte[] a = new byte[16];
        a[10] = (byte) 0xff;
        a[11] = (byte) 0xff;
        a[12] = (byte) 192;
        a[15] = 1;
        char[] out = new char[AddressChars.MAX];
        assertEquals("::ffff:192.0.0.1", new String(out, 0, AddressChars.format(a, PacketEvent.FAMILY_IPV6, out)));
    }

    @Test
    void agreesWithEventTextOnManyRandomAddresses() throws Exception {
        Random r = new Random(42);
        char[] out = new char[AddressChars.MAX];
        for (int i = 0; i < 20_000; i++) {
            byte[] a = new byte[16];
            for (int g = 0; g < 8; g++) {
                // Mostly zero groups, so that runs of every length and position occur.
                int v = r.nextInt(3) == 0 ? r.nextInt(0x10000) >> r.nextInt(16) : 0;
                a[2 * g] = (byte) (v >> 8);
                a[2 * g + 1] = (byte) v;
            }
            InetAddress ia = InetAddress.getByAddress(a);
            if (ia.getAddress().length == 4) {
                continue; // IPv4-mapped: InetAddress drops the IPv6 form (tested above)
            }
            assertEquals(EventText.address(ia), new String(out, 0, AddressChars.format(a, 6, out)), ia.toString());
            byte[] v4 = {a[0], a[1], a[2], a[3]};
            assertEquals(EventText.address(InetAddress.getByAddress(v4)), new String(out, 0, AddressChars.format(v4, 4, out)));
        }
    }
}
