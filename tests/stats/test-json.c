/* Tests of the JSON output of estimator results (net/stats/stats_json.c). */
#include <json-glib/json-glib.h>

#include "net/stats/stats_json.h"

/* Returns the builder's root as compact JSON text. */
static char *json_builder_to_text(JsonBuilder *builder)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = json_builder_get_root(builder);

    json_generator_set_root(gen, root);
    return json_generator_to_data(gen, NULL);
}

/* Writes dist as the value of member "rtt_ms" of a root object and returns the text. */
static char *json_dist_member_text(const LcStatsDist *dist)
{
    g_autoptr(JsonBuilder) builder = json_builder_new();

    json_builder_begin_object(builder);
    json_builder_set_member_name(builder, "rtt_ms");
    stats_dist_to_json(dist, builder);
    json_builder_end_object(builder);
    return json_builder_to_text(builder);
}

/*
 * {4, 1, 3, 2} ms: min 1, mean 2.5, p50 rank 2 -> 2, p95 rank ceil(3.8) = 4 -> 4,
 * p99 rank 4 -> 4, max 4. The members come in the documented order.
 */
static void test_json_dist_shape(void)
{
    g_autoptr(LcStatsDist) dist = stats_dist_new();
    static const double values[] = {4, 1, 3, 2};

    for (gsize i = 0; i < G_N_ELEMENTS(values); i++)
        stats_dist_add(dist, values[i]);

    g_autofree char *text = json_dist_member_text(dist);
    g_assert_cmpstr(text, ==,
                    "{\"rtt_ms\":{\"min\":1.0,\"mean\":2.5,\"p50\":2.0,\"p95\":4.0,\"p99\":4.0,"
                    "\"max\":4.0}}");

    /* Read back: exactly six numeric members. */
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    g_assert_true(json_parser_load_from_data(parser, text, -1, &error));
    g_assert_no_error(error);
    JsonObject *obj =
        json_object_get_object_member(json_node_get_object(json_parser_get_root(parser)), "rtt_ms");
    g_assert_cmpuint(json_object_get_size(obj), ==, 6);
    g_assert_cmpfloat(json_object_get_double_member(obj, "mean"), ==, 2.5);
    g_assert_cmpfloat(json_object_get_double_member(obj, "p95"), ==, 4.0);
}

/* An empty distribution writes null for each of the six members (JSON has no NaN). */
static void test_json_dist_empty(void)
{
    g_autoptr(LcStatsDist) dist = stats_dist_new();
    g_autofree char *text = json_dist_member_text(dist);

    g_assert_cmpstr(text, ==,
                    "{\"rtt_ms\":{\"min\":null,\"mean\":null,\"p50\":null,\"p95\":null,"
                    "\"p99\":null,\"max\":null}}");
}

/* The object can be the root of a document; 1500 us and 2500 us give 1.5 and 2.5 ms. */
static void test_json_dist_root(void)
{
    g_autoptr(LcStatsDist) dist = stats_dist_new();
    g_autoptr(JsonBuilder) builder = json_builder_new();

    stats_dist_add_us(dist, 1500);
    stats_dist_add_us(dist, 2500);
    stats_dist_to_json(dist, builder);

    g_autofree char *text = json_builder_to_text(builder);
    g_assert_cmpstr(text, ==,
                    "{\"min\":1.5,\"mean\":2.0,\"p50\":1.5,\"p95\":2.5,\"p99\":2.5,\"max\":2.5}");
}

/* Registers the /stats/json/ tests and runs them. */
int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/stats/json/dist-shape", test_json_dist_shape);
    g_test_add_func("/stats/json/dist-empty", test_json_dist_empty);
    g_test_add_func("/stats/json/dist-root", test_json_dist_root);
    return g_test_run();
}
