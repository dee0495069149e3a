package tern.address;

/**
 * The IPv4 and IPv6 text forms of RFC 5321 4.1.3, checked without {@code InetAddress}:
 * a parser must never be one typo away from a DNS lookup.
 */
public final class IpLiterals {
    private IpLiterals() {
    }

    /** Snum 3("." Snum), each 0-255, at most three digits. */
    public static boolean isIpv4(String s) {
        int parts = 0;
        int i = 0;
        int n = s.length();
        while (true) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start || value > 255) {
                return false;
            }
            parts++;
            if (parts == 4) {
                return i == n;
            }
            if (i >= n || s.charAt(i) != '.') {
                return false;
            }
            i++;
        }
    }

    /** IPv6-full, IPv6-comp, IPv6v4-full or IPv6v4-comp. */
    public static boolean isIpv6(String s) {
        int v4 = s.lastIndexOf(':');
        int groupsAvailable = 8;
        String head = s;
        if (v4 >= 0 && s.indexOf('.', v4) > 0) {
            if (!isIpv4(s.substring(v4 + 1))) {
                return false;
            }
            head = s.substring(0, v4 + 1);
            // "::1.2.3.4" leaves "::"; "a:b:c:d:e:f:1.2.3.4" leaves "a:...:f:" -> drop the trailing colon
            if (head.endsWith(":") && !head.endsWith("::")) {
                head = head.substring(0, head.length() - 1);
            }
            groupsAvailable = 6;
        }
        int gap = head.indexOf("::");
        if (gap >= 0 && head.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        if (gap < 0) {
            return countGroups(head) == groupsAvailable;
        }
        String left = head.substring(0, gap);
        String right = head.substring(gap + 2);
        int l = left.isEmpty() ? 0 : countGroups(left);
        int r = right.isEmpty() ? 0 : countGroups(right);
        return l >= 0 && r >= 0 && l + r <= groupsAvailable - 1;
    }

    private static int countGroups(String s) {
        int groups = 0;
        int i = 0;
        int n = s.length();
        while (true) {
            int start = i;
            while (i < n && i - start < 4 && Character.digit(s.charAt(i), 16) >= 0) {
                i++;
            }
            if (i == start) {
                return -1;
            }
            groups++;
            if (i == n) {
                return groups;
            }
            if (s.charAt(i) != ':') {
                return -1;
            }
            i++;
            if (i == n) {
                return -1;
            }
        }
    }
}
