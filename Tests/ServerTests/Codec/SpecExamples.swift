@testable import Server

/// The complete examples of spec 3.12, copied from the contract. Where the spec abbreviates an
/// instance with "…", the full record it refers to is written out (orders-1 as in 3.12.1).
enum SpecExamples {
    static let orders1JSON = #"""
    {
      "instanceId": "orders-1:orders:8080",
      "hostName": "orders-1",
      "app": "ORDERS",
      "ipAddr": "10.0.0.5",
      "status": "UP",
      "overriddenStatus": "UNKNOWN",
      "port": {"$": 8080, "@enabled": "true"},
      "securePort": {"$": 443, "@enabled": "false"},
      "countryId": 1,
      "dataCenterInfo": {
        "@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
        "name": "MyOwn"
      },
      "leaseInfo": {
        "renewalIntervalInSecs": 30,
        "durationInSecs": 90,
        "registrationTimestamp": 1732440000123,
        "lastRenewalTimestamp": 1732440120456,
        "evictionTimestamp": 0,
        "serviceUpTimestamp": 1732440000123
      },
      "metadata": {"management.port": "8080", "zone": "zone-a"},
      "homePageUrl": "http://orders-1:8080/",
      "statusPageUrl": "http://orders-1:8080/actuator/info",
      "healthCheckUrl": "http://orders-1:8080/actuator/health",
      "vipAddress": "orders",
      "secureVipAddress": "orders",
      "isCoordinatingDiscoveryServer": "false",
      "lastUpdatedTimestamp": "1732440000123",
      "lastDirtyTimestamp": "1732439999870",
      "actionType": "ADDED"
    }
    """#

    /// 3.12.1
    static let instanceJSON = "{\"instance\": \(orders1JSON)}"

    static let orders1XML = #"""
    <instance>
      <instanceId>orders-1:orders:8080</instanceId>
      <hostName>orders-1</hostName>
      <app>ORDERS</app>
      <ipAddr>10.0.0.5</ipAddr>
      <status>UP</status>
      <overriddenstatus>UNKNOWN</overriddenstatus>
      <port enabled="true">8080</port>
      <securePort enabled="false">443</securePort>
      <countryId>1</countryId>
      <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo">
        <name>MyOwn</name>
      </dataCenterInfo>
      <leaseInfo>
        <renewalIntervalInSecs>30</renewalIntervalInSecs>
        <durationInSecs>90</durationInSecs>
        <registrationTimestamp>1732440000123</registrationTimestamp>
        <lastRenewalTimestamp>1732440120456</lastRenewalTimestamp>
        <evictionTimestamp>0</evictionTimestamp>
        <serviceUpTimestamp>1732440000123</serviceUpTimestamp>
      </leaseInfo>
      <metadata>
        <management.port>8080</management.port>
        <zone>zone-a</zone>
      </metadata>
      <homePageUrl>http://orders-1:8080/</homePageUrl>
      <statusPageUrl>http://orders-1:8080/actuator/info</statusPageUrl>
      <healthCheckUrl>http://orders-1:8080/actuator/health</healthCheckUrl>
      <vipAddress>orders</vipAddress>
      <secureVipAddress>orders</secureVipAddress>
      <isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>
      <lastUpdatedTimestamp>1732440000123</lastUpdatedTimestamp>
      <lastDirtyTimestamp>1732439999870</lastDirtyTimestamp>
      <actionType>ADDED</actionType>
    </instance>
    """#

    /// 3.12.3
    static let registryJSON = #"""
    {
      "applications": {
        "versions__delta": "1",
        "apps__hashcode": "OUT_OF_SERVICE_1_UP_2_",
        "application": [
          {
            "name": "BILLING",
            "instance": [
              {
                "instanceId": "i-0abc123",
                "hostName": "ip-10-1-2-3.ec2.internal",
                "app": "BILLING",
                "ipAddr": "10.1.2.3",
                "status": "UP",
                "overriddenStatus": "UNKNOWN",
                "port": {"$": 9000, "@enabled": "true"},
                "securePort": {"$": 9443, "@enabled": "true"},
                "countryId": 1,
                "dataCenterInfo": {
                  "@class": "com.netflix.appinfo.AmazonInfo",
                  "name": "Amazon",
                  "metadata": {
                    "instance-id": "i-0abc123",
                    "availability-zone": "us-east-1a",
                    "local-ipv4": "10.1.2.3",
                    "public-ipv4": "1.2.3.4",
                    "public-hostname": "ec2-1-2-3-4.compute-1.amazonaws.com"
                  }
                },
                "leaseInfo": {
                  "renewalIntervalInSecs": 30, "durationInSecs": 90,
                  "registrationTimestamp": 1732439000000, "lastRenewalTimestamp": 1732440110000,
                  "evictionTimestamp": 0, "serviceUpTimestamp": 1732439000000
                },
                "metadata": {"@class": "java.util.Collections$EmptyMap"},
                "homePageUrl": "http://ip-10-1-2-3.ec2.internal:9000/",
                "statusPageUrl": "http://ip-10-1-2-3.ec2.internal:9000/info",
                "healthCheckUrl": "http://ip-10-1-2-3.ec2.internal:9000/health",
                "secureHealthCheckUrl": "https://ip-10-1-2-3.ec2.internal:9443/health",
                "vipAddress": "billing,billing-v2",
                "secureVipAddress": "billing-secure",
                "isCoordinatingDiscoveryServer": "false",
                "lastUpdatedTimestamp": "1732439000000",
                "lastDirtyTimestamp": "1732438999500",
                "actionType": "ADDED",
                "asgName": "billing-v042"
              }
            ]
          },
          {
            "name": "ORDERS",
            "instance": [
              \#(orders1JSON),
              {
                "instanceId": "orders-2:orders:8080",
                "hostName": "orders-2",
                "app": "ORDERS",
                "ipAddr": "10.0.0.6",
                "status": "OUT_OF_SERVICE",
                "overriddenStatus": "OUT_OF_SERVICE",
                "port": {"$": 8080, "@enabled": "true"},
                "securePort": {"$": 443, "@enabled": "false"},
                "countryId": 1,
                "dataCenterInfo": {
                  "@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                  "name": "MyOwn"
                },
                "leaseInfo": {
                  "renewalIntervalInSecs": 30, "durationInSecs": 90,
                  "registrationTimestamp": 1732440001000, "lastRenewalTimestamp": 1732440121000,
                  "evictionTimestamp": 0, "serviceUpTimestamp": 1732440001000
                },
                "metadata": {"management.port": "8080"},
                "homePageUrl": "http://orders-2:8080/",
                "statusPageUrl": "http://orders-2:8080/actuator/info",
                "healthCheckUrl": "http://orders-2:8080/actuator/health",
                "vipAddress": "orders",
                "secureVipAddress": "orders",
                "isCoordinatingDiscoveryServer": "false",
                "lastUpdatedTimestamp": "1732440050000",
                "lastDirtyTimestamp": "1732440000900",
                "actionType": "MODIFIED"
              }
            ]
          }
        ]
      }
    }
    """#

    /// 3.12.4
    static let registryXML = #"""
    <applications>
      <versions__delta>1</versions__delta>
      <apps__hashcode>OUT_OF_SERVICE_1_UP_2_</apps__hashcode>
      <application>
        <name>BILLING</name>
        <instance>
          <instanceId>i-0abc123</instanceId>
          <hostName>ip-10-1-2-3.ec2.internal</hostName>
          <app>BILLING</app>
          <ipAddr>10.1.2.3</ipAddr>
          <status>UP</status>
          <overriddenstatus>UNKNOWN</overriddenstatus>
          <port enabled="true">9000</port>
          <securePort enabled="true">9443</securePort>
          <countryId>1</countryId>
          <dataCenterInfo class="com.netflix.appinfo.AmazonInfo">
            <name>Amazon</name>
            <metadata>
              <instance-id>i-0abc123</instance-id>
              <availability-zone>us-east-1a</availability-zone>
              <local-ipv4>10.1.2.3</local-ipv4>
              <public-ipv4>1.2.3.4</public-ipv4>
              <public-hostname>ec2-1-2-3-4.compute-1.amazonaws.com</public-hostname>
            </metadata>
          </dataCenterInfo>
          <leaseInfo>
            <renewalIntervalInSecs>30</renewalIntervalInSecs>
            <durationInSecs>90</durationInSecs>
            <registrationTimestamp>1732439000000</registrationTimestamp>
            <lastRenewalTimestamp>1732440110000</lastRenewalTimestamp>
            <evictionTimestamp>0</evictionTimestamp>
            <serviceUpTimestamp>1732439000000</serviceUpTimestamp>
          </leaseInfo>
          <metadata class="java.util.Collections$EmptyMap"/>
          <homePageUrl>http://ip-10-1-2-3.ec2.internal:9000/</homePageUrl>
          <statusPageUrl>http://ip-10-1-2-3.ec2.internal:9000/info</statusPageUrl>
          <healthCheckUrl>http://ip-10-1-2-3.ec2.internal:9000/health</healthCheckUrl>
          <secureHealthCheckUrl>https://ip-10-1-2-3.ec2.internal:9443/health</secureHealthCheckUrl>
          <vipAddress>billing,billing-v2</vipAddress>
          <secureVipAddress>billing-secure</secureVipAddress>
          <isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>
          <lastUpdatedTimestamp>1732439000000</lastUpdatedTimestamp>
          <lastDirtyTimestamp>1732438999500</lastDirtyTimestamp>
          <actionType>ADDED</actionType>
          <asgName>billing-v042</asgName>
        </instance>
      </application>
      <application>
        <name>ORDERS</name>
        \#(orders1XML)
        <instance>
          <instanceId>orders-2:orders:8080</instanceId>
          <hostName>orders-2</hostName>
          <app>ORDERS</app>
          <ipAddr>10.0.0.6</ipAddr>
          <status>OUT_OF_SERVICE</status>
          <overriddenstatus>OUT_OF_SERVICE</overriddenstatus>
          <port enabled="true">8080</port>
          <securePort enabled="false">443</securePort>
          <countryId>1</countryId>
          <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo">
            <name>MyOwn</name>
          </dataCenterInfo>
          <leaseInfo>
            <renewalIntervalInSecs>30</renewalIntervalInSecs>
            <durationInSecs>90</durationInSecs>
            <registrationTimestamp>1732440001000</registrationTimestamp>
            <lastRenewalTimestamp>1732440121000</lastRenewalTimestamp>
            <evictionTimestamp>0</evictionTimestamp>
            <serviceUpTimestamp>1732440001000</serviceUpTimestamp>
          </leaseInfo>
          <metadata>
            <management.port>8080</management.port>
          </metadata>
          <homePageUrl>http://orders-2:8080/</homePageUrl>
          <statusPageUrl>http://orders-2:8080/actuator/info</statusPageUrl>
          <healthCheckUrl>http://orders-2:8080/actuator/health</healthCheckUrl>
          <vipAddress>orders</vipAddress>
          <secureVipAddress>orders</secureVipAddress>
          <isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>
          <lastUpdatedTimestamp>1732440050000</lastUpdatedTimestamp>
          <lastDirtyTimestamp>1732440000900</lastDirtyTimestamp>
          <actionType>MODIFIED</actionType>
        </instance>
      </application>
    </applications>
    """#

    /// 3.12.6, with `registeredApplicationsEmpty` added where 3.11 places it: the printed example
    /// leaves it out, while 3.11 (and Netflix's mini codec) write it after `application`.
    static let compactRegistryJSON = #"""
    {
      "applications": {
        "application": [
          {
            "name": "ORDERS",
            "instance": [
              {
                "instanceId": "orders-1:orders:8080",
                "hostName": "orders-1",
                "app": "ORDERS",
                "ipAddr": "10.0.0.5",
                "status": "UP",
                "dataCenterInfo": {
                  "@class": "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo",
                  "name": "MyOwn"
                },
                "lastUpdatedTimestamp": 1732440000123,
                "vipAddress": "orders",
                "secureVipAddress": "orders",
                "actionType": "ADDED",
                "port": {"$": 8080, "@enabled": "true"},
                "securePort": {"$": 443, "@enabled": "false"}
              }
            ]
          }
        ],
        "registeredApplicationsEmpty": false,
        "versions__delta": "1",
        "apps__hashcode": "UP_1_"
      }
    }
    """#

    /// 3.11 describes compact XML as "same fields, same root and element names" without an example:
    /// this is 3.12.6 in that shape.
    static let compactRegistryXML = #"""
    <applications>
      <application>
        <name>ORDERS</name>
        <instance>
          <instanceId>orders-1:orders:8080</instanceId>
          <hostName>orders-1</hostName>
          <app>ORDERS</app>
          <ipAddr>10.0.0.5</ipAddr>
          <status>UP</status>
          <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo">
            <name>MyOwn</name>
          </dataCenterInfo>
          <lastUpdatedTimestamp>1732440000123</lastUpdatedTimestamp>
          <vipAddress>orders</vipAddress>
          <secureVipAddress>orders</secureVipAddress>
          <actionType>ADDED</actionType>
          <port enabled="true">8080</port>
          <securePort enabled="false">443</securePort>
        </instance>
      </application>
      <registeredApplicationsEmpty>false</registeredApplicationsEmpty>
      <versions__delta>1</versions__delta>
      <apps__hashcode>UP_1_</apps__hashcode>
    </applications>
    """#

    // The same records as model values, written out field by field so decoding is checked
    // against something other than the encoder.

    static var orders1: InstanceInfo {
        var info = InstanceInfo()
        info.instanceId = "orders-1:orders:8080"
        info.hostName = "orders-1"
        info.app = "ORDERS"
        info.ipAddr = "10.0.0.5"
        info.port = PortInfo(number: 8080, enabled: true)
        info.securePort = PortInfo(number: 443, enabled: false)
        info.dataCenterInfo = .myOwn
        info.leaseInfo = lease(registered: 1732440000123, renewed: 1732440120456)
        info.metadata = Metadata([("management.port", "8080"), ("zone", "zone-a")])
        info.homePageUrl = "http://orders-1:8080/"
        info.statusPageUrl = "http://orders-1:8080/actuator/info"
        info.healthCheckUrl = "http://orders-1:8080/actuator/health"
        info.vipAddress = "orders"
        info.secureVipAddress = "orders"
        info.lastUpdatedTimestamp = 1732440000123
        info.lastDirtyTimestamp = 1732439999870
        info.actionType = .added
        return info
    }

    static var orders2: InstanceInfo {
        var info = orders1
        info.instanceId = "orders-2:orders:8080"
        info.hostName = "orders-2"
        info.ipAddr = "10.0.0.6"
        info.status = .outOfService
        info.overriddenStatus = .outOfService
        info.leaseInfo = lease(registered: 1732440001000, renewed: 1732440121000)
        info.metadata = Metadata([("management.port", "8080")])
        info.homePageUrl = "http://orders-2:8080/"
        info.statusPageUrl = "http://orders-2:8080/actuator/info"
        info.healthCheckUrl = "http://orders-2:8080/actuator/health"
        info.lastUpdatedTimestamp = 1732440050000
        info.lastDirtyTimestamp = 1732440000900
        info.actionType = .modified
        return info
    }

    static var billing1: InstanceInfo {
        var info = InstanceInfo()
        info.instanceId = "i-0abc123"
        info.hostName = "ip-10-1-2-3.ec2.internal"
        info.app = "BILLING"
        info.ipAddr = "10.1.2.3"
        info.port = PortInfo(number: 9000, enabled: true)
        info.securePort = PortInfo(number: 9443, enabled: true)
        info.dataCenterInfo = DataCenterInfo(name: .amazon, metadata: Metadata([
            ("instance-id", "i-0abc123"), ("availability-zone", "us-east-1a"), ("local-ipv4", "10.1.2.3"),
            ("public-ipv4", "1.2.3.4"), ("public-hostname", "ec2-1-2-3-4.compute-1.amazonaws.com"),
        ]))
        info.leaseInfo = lease(registered: 1732439000000, renewed: 1732440110000)
        info.homePageUrl = "http://ip-10-1-2-3.ec2.internal:9000/"
        info.statusPageUrl = "http://ip-10-1-2-3.ec2.internal:9000/info"
        info.healthCheckUrl = "http://ip-10-1-2-3.ec2.internal:9000/health"
        info.secureHealthCheckUrl = "https://ip-10-1-2-3.ec2.internal:9443/health"
        info.vipAddress = "billing,billing-v2"
        info.secureVipAddress = "billing-secure"
        info.lastUpdatedTimestamp = 1732439000000
        info.lastDirtyTimestamp = 1732438999500
        info.actionType = .added
        info.asgName = "billing-v042"
        return info
    }

    static var registry: Applications {
        Applications(versionsDelta: 1, appsHashCode: "OUT_OF_SERVICE_1_UP_2_", applications: [
            Application(name: "BILLING", instances: [billing1]),
            Application(name: "ORDERS", instances: [orders1, orders2]),
        ])
    }

    private static func lease(registered: Int64, renewed: Int64) -> LeaseInfo {
        var lease = LeaseInfo(renewalIntervalInSecs: 30, durationInSecs: 90)
        lease.registrationTimestamp = registered
        lease.lastRenewalTimestamp = renewed
        lease.serviceUpTimestamp = registered
        return lease
    }
}

/// Whitespace is not part of the contract (spec 1.3): the pretty-printed examples are compared
/// with the compact output after removing whitespace between tokens.
enum Minify {
    static func json(_ text: String) -> String {
        var out = ""
        var inString = false
        var escaped = false
        for character in text {
            if inString {
                out.append(character)
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
                out.append(character)
            } else if !character.isWhitespace {
                out.append(character)
            }
        }
        return out
    }

    /// Drops whitespace-only text between tags (the examples have no mixed content).
    static func xml(_ text: String) -> String {
        var out = ""
        var between = ""
        var afterTag = false
        for character in text {
            guard afterTag else {
                out.append(character)
                afterTag = character == ">"
                continue
            }
            if character == "<" {
                if !between.allSatisfy(\.isWhitespace) { out += between }
                between = ""
                afterTag = false
                out.append(character)
            } else {
                between.append(character)
            }
        }
        return out + between
    }
}
