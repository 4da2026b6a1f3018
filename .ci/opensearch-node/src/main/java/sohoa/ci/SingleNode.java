/*
 * A single OpenSearch node for CI and the search benchmark, started from Maven Central jars.
 *
 * There is no distribution tarball on this network, so we do what OpenSearch's own test framework
 * does (MockNode): subclass Node through its protected constructor, which takes plugin classes
 * found on the classpath instead of a plugins/ folder. The two plugins give the node its HTTP
 * layer (transport-netty4) and the common analyzers sohoa's mapping uses (asciifolding).
 *
 * Usage: java -Xmx512m -cp <classpath> sohoa.ci.SingleNode <home> <data> [http.port] [transport.port]
 * Runs until killed; a shutdown hook closes the node cleanly.
 */
package sohoa.ci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

public final class SingleNode extends Node {

    private static final List<Class<? extends Plugin>> PLUGINS = List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);

    private SingleNode(Settings settings) {
        super(InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), null, () -> "sohoa-ci"),
              PLUGINS, true);
    }

    static Settings settings(Path home, Path data, String httpPort, String transportPort) {
        return Settings.builder()
            .put("cluster.name", "sohoa-ci")
            .put("node.name", "sohoa-ci")
            .put("path.home", home.toString())
            .put("path.data", data.toString())
            .put("network.host", "127.0.0.1")  // loopback only: no bootstrap checks, nothing exposed
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            .put("http.type", Netty4Plugin.NETTY_HTTP_TRANSPORT_NAME)
            .put("transport.type", Netty4Plugin.NETTY_TRANSPORT_NAME)
            .put("discovery.type", "single-node")
            // A nearly full CI disk must not turn the node read-only halfway through a test run.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SingleNode <home> <data> [http.port] [transport.port]");
            System.exit(2);
        }
        Path home = Files.createDirectories(Path.of(args[0]));
        Path data = Files.createDirectories(Path.of(args[1]));
        String httpPort = args.length > 2 ? args[2] : "9200";
        String transportPort = args.length > 3 ? args[3] : "9300";
        Settings settings = settings(home, data, httpPort, transportPort);
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName("sohoa-ci");
        LogConfigurator.configureWithoutConfig(settings);
        Node node = new SingleNode(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }));
        node.start();
        System.out.println("sohoa-ci node started on http://127.0.0.1:" + httpPort);
        stopped.await();
    }
}
