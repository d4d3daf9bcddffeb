import dev.butterbase.realtime.bench.*;
import dev.butterbase.realtime.bench.report.*;
import com.fasterxml.jackson.databind.*;
import java.time.Duration;
import java.nio.file.Path;
/** Runs one scenario on a fresh in-process server in RLS NAIVE mode only (BenchRunner.run with naive=true). */
public class NaiveOnly {
  public static void main(String[] a) throws Exception {
    int clients = Integer.parseInt(a[0]); int room = Integer.parseInt(a[1]); double rate = Double.parseDouble(a[2]);
    long dur = Long.parseLong(a[3]); String json = a[4];
    BenchOptions o = BenchOptions.builder(ScenarioKind.fromWire("chat")).clients(clients).roomSize(room).rate(rate)
        .duration(Duration.ofSeconds(dur)).naive(true).build();
    BenchReport r = BenchRunner.run(o);
    ReportPrinter.print(r, System.out);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(json).toFile(), r);
    System.exit(r.exitCode());
  }
}
