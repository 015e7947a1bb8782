package io.featureduck.bench;

import com.sun.management.ThreadMXBean;
import com.sun.tools.attach.VirtualMachine;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Heap bytes a running JVM has allocated so far, summed over its live threads (the JDK's per-thread allocation
 * counters, read over a local JMX connection). The benchmark reads it before and after a load run and divides by the
 * requests served: allocation per request, for any server on the JVM, FeatureDuck and baselines alike.
 *
 * <p>Usage: {@code AllocationMeter <pid>}; prints the byte count. Threads that ended between two readings drop out
 * of the sum, so the servers measured keep their request threads (event loops) for their lifetime.
 */
public final class AllocationMeter {
    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(
                    server, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            long total = Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds()))
                    .filter(bytes -> bytes > 0)
                    .sum();
            System.out.println(total);
        }
    }

    private AllocationMeter() {}
}
