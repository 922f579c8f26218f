/** Per-client limits count an IPv6 client by its /64 network (pure logic). */
import { describe, expect, it } from "vitest";
import { clientKey } from "../../src/http/client-address.js";

describe("the key a client is counted under", () => {
  it("is an IPv4 address itself, also when seen through an IPv6 socket", () => {
    expect(clientKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(clientKey("::ffff:cb00:7107")).toBe("203.0.113.7");
  });

  it("is the /64 network of an IPv6 address, however it is written", () => {
    const key = "2001:0db8:0001:0002::/64";
    expect(clientKey("2001:db8:1:2::1")).toBe(key);
    expect(clientKey("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe(key);
    expect(clientKey("2001:DB8:1:2:0:0:0:abcd")).toBe(key);
    expect(clientKey("[2001:db8:1:2::5]")).toBe(key);
    expect(clientKey("fe80::1%eth0")).toBe("fe80:0000:0000:0000::/64");
    expect(clientKey("2001:db8:1:3::1")).not.toBe(key);
    expect(clientKey("::1")).toBe("0000:0000:0000:0000::/64");
  });

  it("leaves anything else as it is", () => {
    expect(clientKey("unknown")).toBe("unknown");
  });
});
