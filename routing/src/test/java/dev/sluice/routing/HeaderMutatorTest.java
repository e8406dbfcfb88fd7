package dev.sluice.routing;

import static dev.sluice.routing.Configs.requestAdds;
import static dev.sluice.routing.Configs.responseAdds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.AppendAction;
import dev.sluice.config.HeaderMutations;
import dev.sluice.config.HeaderValueOption;
import dev.sluice.config.RouteActionConfig.Forward;
import dev.sluice.config.RouteActionConfig.WeightedCluster;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.RouteMatchConfig;
import dev.sluice.config.RouteRuleConfig;
import dev.sluice.config.VirtualHostConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderMutatorTest {

  private static HeaderValueOption option(String key, String value, AppendAction action) {
    return new HeaderValueOption(key, value, action, false);
  }

  private static HeaderMutator requestLevel(HeaderValueOption... adds) {
    return HeaderMutator.forRequests(List.of(requestAdds(adds)));
  }

  private static MapHeaders apply(HeaderMutator mutator, MapHeaders headers) {
    mutator.apply(headers);
    return headers;
  }

  @Test
  void appendIfExistsOrAdd() {
    HeaderMutator mutator = requestLevel(option("x", "b", AppendAction.APPEND_IF_EXISTS_OR_ADD));
    assertThat(apply(mutator, MapHeaders.of("x", "a")).all("x")).containsExactly("a", "b");
    assertThat(apply(mutator, MapHeaders.of()).all("x")).containsExactly("b");
  }

  @Test
  void addIfAbsent() {
    HeaderMutator mutator = requestLevel(option("x", "b", AppendAction.ADD_IF_ABSENT));
    assertThat(apply(mutator, MapHeaders.of("x", "a")).all("x")).containsExactly("a");
    assertThat(apply(mutator, MapHeaders.of()).all("x")).containsExactly("b");
  }

  @Test
  void overwriteIfExistsOrAdd() {
    HeaderMutator mutator = requestLevel(option("x", "b", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD));
    assertThat(apply(mutator, MapHeaders.of("x", "a", "x", "a2")).all("x")).containsExactly("b");
    assertThat(apply(mutator, MapHeaders.of()).all("x")).containsExactly("b");
  }

  @Test
  void overwriteIfExists() {
    HeaderMutator mutator = requestLevel(option("x", "b", AppendAction.OVERWRITE_IF_EXISTS));
    assertThat(apply(mutator, MapHeaders.of("x", "a")).all("x")).containsExactly("b");
    assertThat(apply(mutator, MapHeaders.of()).contains("x")).isFalse();
  }

  @Test
  void emptyValueSkippedUnlessKept() {
    HeaderMutator skipped = requestLevel(option("x", "", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD));
    assertThat(skipped.isEmpty()).isTrue();
    assertThat(apply(skipped, MapHeaders.of("x", "a")).all("x")).containsExactly("a");

    HeaderMutator kept = requestLevel(new HeaderValueOption("x", "", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD, true));
    assertThat(kept.isEmpty()).isFalse();
    assertThat(apply(kept, MapHeaders.of("x", "a")).all("x")).containsExactly("");
  }

  @Test
  void removalsBeforeAdditionsOfTheSameLevel() {
    HeaderMutator mutator = HeaderMutator.forRequests(List.of(new HeaderMutations(
        List.of(HeaderValueOption.append("x", "new"), option("y", "added", AppendAction.ADD_IF_ABSENT)),
        List.of("x", "y"), List.of(), List.of())));
    MapHeaders headers = apply(mutator, MapHeaders.of("x", "old", "y", "old"));
    assertThat(headers.all("x")).containsExactly("new");
    assertThat(headers.all("y")).containsExactly("added");
  }

  @Test
  void conditionsAreDecidedBeforeTheLevelAddsAnything() {
    HeaderMutator mutator = requestLevel(
        option("x", "1", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD),
        option("x", "2", AppendAction.ADD_IF_ABSENT),
        option("y", "1", AppendAction.APPEND_IF_EXISTS_OR_ADD),
        option("y", "2", AppendAction.OVERWRITE_IF_EXISTS));
    MapHeaders headers = apply(mutator, MapHeaders.of());
    assertThat(headers.all("x")).containsExactly("1", "2");
    assertThat(headers.all("y")).containsExactly("1");
  }

  @Test
  void overwritesBeforeAppendsWithinALevel() {
    HeaderMutator mutator = requestLevel(
        option("z", "appended", AppendAction.APPEND_IF_EXISTS_OR_ADD),
        option("z", "set", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD));
    assertThat(apply(mutator, MapHeaders.of("z", "old")).all("z")).containsExactly("set", "appended");
  }

  @Test
  void lastOverwriteOfALevelWins() {
    HeaderMutator mutator = requestLevel(
        option("x", "1", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD),
        option("x", "2", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD));
    assertThat(apply(mutator, MapHeaders.of()).all("x")).containsExactly("2");
  }

  @Test
  void aLaterLevelSeesEarlierLevels() {
    HeaderMutator mutator = HeaderMutator.forRequests(List.of(
        requestAdds(option("x", "first", AppendAction.APPEND_IF_EXISTS_OR_ADD)),
        requestAdds(option("x", "second", AppendAction.ADD_IF_ABSENT)),
        new HeaderMutations(List.of(), List.of("y"), List.of(), List.of()),
        requestAdds(option("y", "late", AppendAction.OVERWRITE_IF_EXISTS))));
    MapHeaders headers = apply(mutator, MapHeaders.of("y", "orig"));
    assertThat(headers.all("x")).containsExactly("first");
    assertThat(headers.contains("y")).isFalse();
  }

  @Test
  void requestAndResponseMutationsAreSeparate() {
    HeaderMutations both = new HeaderMutations(
        List.of(HeaderValueOption.append("req", "1")), List.of("req-gone"),
        List.of(HeaderValueOption.append("resp", "1")), List.of("resp-gone"));
    MapHeaders request = apply(HeaderMutator.forRequests(List.of(both)), MapHeaders.of("req-gone", "x", "resp-gone", "x"));
    assertThat(request.asMap()).containsOnlyKeys("resp-gone", "req");
    MapHeaders response = apply(HeaderMutator.forResponses(List.of(both)), MapHeaders.of("req-gone", "x", "resp-gone", "x"));
    assertThat(response.asMap()).containsOnlyKeys("req-gone", "resp");
  }

  @Test
  void noneChangesNothing() {
    assertThat(HeaderMutator.none().isEmpty()).isTrue();
    assertThat(HeaderMutator.forRequests(List.of(HeaderMutations.NONE, HeaderMutations.NONE)))
        .isSameAs(HeaderMutator.none());
    MapHeaders headers = apply(HeaderMutator.none(), MapHeaders.of("a", "1"));
    assertThat(headers.asMap()).containsOnlyKeys("a");
  }

  @Test
  void moreThan64ConditionalEntries() {
    List<HeaderValueOption> adds = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      adds.add(option("h" + i, "new", i % 2 == 0 ? AppendAction.ADD_IF_ABSENT : AppendAction.OVERWRITE_IF_EXISTS));
    }
    MapHeaders headers = MapHeaders.of();
    for (int i = 0; i < 70; i += 3) {
      headers.add("h" + i, "old");
    }
    apply(HeaderMutator.forRequests(List.of(requestAdds(adds.toArray(new HeaderValueOption[0])))), headers);
    for (int i = 0; i < 70; i++) {
      boolean existed = i % 3 == 0;
      boolean addIfAbsent = i % 2 == 0;
      List<String> expected = existed
          ? List.of(addIfAbsent ? "old" : "new")
          : addIfAbsent ? List.of("new") : List.of();
      assertThat(headers.all("h" + i)).as("h" + i).isEqualTo(expected);
    }
  }

  /** Every level overwrites "x" and appends its name to "trail"; the cluster level only exists when weighted. */
  private static HeaderMutations level(String name) {
    return new HeaderMutations(
        List.of(HeaderValueOption.overwrite("x", name), HeaderValueOption.append("trail", name)),
        List.of(),
        List.of(HeaderValueOption.overwrite("x", name), HeaderValueOption.append("trail", name)),
        List.of());
  }

  private static RouteEntry entryWithAllLevels() {
    RouteRuleConfig rule = new RouteRuleConfig("r", RouteMatchConfig.prefix("/"),
        new Forward(List.of(new WeightedCluster("a", 1, level("cluster-a")), new WeightedCluster("b", 1, HeaderMutations.NONE)),
            null, null, null, false, Duration.ofSeconds(1)),
        level("route"));
    VirtualHostConfig vhost = new VirtualHostConfig("vh", List.of("*"), List.of(rule), level("vhost"));
    RouteTable table = RouteTable.compile(new RouteConfig("rc", List.of(vhost), level("config")));
    return table.route(TestRequest.get("h", "/"));
  }

  @Test
  void levelsApplyMostSpecificFirstSoTheRouteConfigurationWins() {
    ClusterChoice a = entryWithAllLevels().pickCluster(0);
    assertThat(a.clusterName()).isEqualTo("a");
    MapHeaders request = apply(a.requestMutator(), MapHeaders.of("x", "client"));
    assertThat(request.all("trail")).containsExactly("cluster-a", "route", "vhost", "config");
    assertThat(request.all("x")).containsExactly("config");
    MapHeaders response = apply(a.responseMutator(), MapHeaders.of());
    assertThat(response.all("trail")).containsExactly("cluster-a", "route", "vhost", "config");
    assertThat(response.all("x")).containsExactly("config");
  }

  @Test
  void clusterWithoutHeadersStillGetsTheOtherLevels() {
    ClusterChoice b = entryWithAllLevels().pickCluster(1);
    assertThat(b.clusterName()).isEqualTo("b");
    assertThat(apply(b.requestMutator(), MapHeaders.of()).all("trail")).containsExactly("route", "vhost", "config");
  }

  @Test
  void routeMutatorsLeaveOutTheClusterLevel() {
    RouteEntry entry = entryWithAllLevels();
    assertThat(apply(entry.requestMutator(), MapHeaders.of()).all("trail")).containsExactly("route", "vhost", "config");
    assertThat(apply(entry.responseMutator(), MapHeaders.of()).all("trail")).containsExactly("route", "vhost", "config");
  }

  @Test
  void directResponsesGetResponseMutations() {
    RouteRuleConfig rule = new RouteRuleConfig("r", RouteMatchConfig.prefix("/"),
        new dev.sluice.config.RouteActionConfig.DirectResponse(200, "ok"),
        responseAdds(HeaderValueOption.overwrite("cache-control", "no-store")));
    RouteTable table = RouteTable.compile(new RouteConfig("rc",
        List.of(new VirtualHostConfig("vh", List.of("*"), List.of(rule), HeaderMutations.NONE)),
        responseAdds(HeaderValueOption.append("server", "sluice"))));
    MapHeaders response = apply(table.route(TestRequest.get("h", "/")).responseMutator(), MapHeaders.of());
    assertThat(response.all("cache-control")).containsExactly("no-store");
    assertThat(response.all("server")).containsExactly("sluice");
  }
}
