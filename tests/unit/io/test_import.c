/* SPDX-License-Identifier: MIT */
/*
 * Mapping historical 311 rows: header detection, rows of the real NYC and
 * Boston samples (tests/fixtures lines copied from /work/shared/data/311),
 * the rules for times, status, location, services and attributes, the
 * warnings and the reasons for refusing a row. Instants were worked out by
 * hand: 2022-05-01T04:00:00Z (midnight in New York, summer time) is
 * 1651377600; 2022-01-19T16:18:00Z (11:18 in Boston, winter time) is
 * 1642609080.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/mapping.h"
#include "io/config.h"
#include "io/csvin.h"
#include "io/export.h"
#include "io/import.h"
#include "util/isotime.h"

#define DEMO_CITY CIVIC311_SOURCE_DIR "/config/demo-city.yaml"
#define MAY1      INT64_C(1651377600)

static const char nyc_header[] =
    "Unique Key,Created Date,Closed Date,Agency,Agency Name,Complaint Type,"
    "Descriptor,Location Type,Incident Zip,Incident Address,Street Name,"
    "Cross Street 1,Cross Street 2,Intersection Street 1,Intersection Street "
    "2,Address Type,City,Landmark,Facility Type,Status,Due Date,Resolution "
    "Description,Resolution Action Updated Date,Community Board,BBL,Borough,"
    "X Coordinate (State Plane),Y Coordinate (State Plane),Open Data Channel "
    "Type,Park Facility Name,Park Borough,Vehicle Type,Taxi Company Borough,"
    "Taxi Pick Up Location,Bridge Highway Name,Bridge Highway Direction,Road "
    "Ramp,Bridge Highway Segment,Latitude,Longitude,Location";

/* Line 3 of the NYC sample. */
static const char nyc_closed[] =
    "54046813,05/01/2022 12:00:09 AM,05/01/2022 12:07:46 AM,NYPD,New York "
    "City Police Department,Noise - Street/Sidewalk,Loud Music/Party,"
    "Street/Sidewalk,10027,364 WEST  127 STREET,WEST  127 STREET,ST NICHOLAS "
    "TERRACE,CONVENT AVENUE,ST NICHOLAS TERRACE,CONVENT AVENUE,ADDRESS,NEW "
    "YORK,WEST  127 STREET,,Closed,,The Police Department responded to the "
    "complaint and took action to fix the condition.,05/01/2022 12:07:53 AM,"
    "09 MANHATTAN,1019530055,MANHATTAN,997426,235252,MOBILE,Unspecified,"
    "MANHATTAN,,,,,,,,40.81237834836466,-73.95240115039357,"
    "\"(40.81237834836466, -73.95240115039357)\"";

/* Line 48: an intersection, the address holding one of its streets. */
static const char nyc_intersection[] =
    "54047872,05/01/2022 12:04:08 AM,05/01/2022 01:15:40 AM,NYPD,New York "
    "City Police Department,Noise - Street/Sidewalk,Loud Music/Party,"
    "Street/Sidewalk,10022,EAST   55 STREET,EAST   55 STREET,EAST   55 "
    "STREET,LEXINGTON AVENUE,EAST   55 STREET,LEXINGTON AVENUE,INTERSECTION,,"
    ",,Closed,,The Police Department responded.,05/01/2022 01:15:44 AM,05 "
    "MANHATTAN,,MANHATTAN,992539,216030,PHONE,Unspecified,MANHATTAN,,,,,,,,"
    "40.7596250333133,-73.97007935872243,"
    "\"(40.7596250333133, -73.97007935872243)\"";

/* Line 359: DOT, an intersection with no address, channel UNKNOWN. */
static const char nyc_dot[] =
    "54049833,05/01/2022 12:36:00 AM,,DOT,Department of Transportation,"
    "Traffic Signal Condition,Controller,,10010,,,,,5 AVENUE,WEST 24 STREET,"
    "INTERSECTION,MANHATTAN,,N/A,Open,,,,05 MANHATTAN,,MANHATTAN,987271,"
    "209682,UNKNOWN,Unspecified,MANHATTAN,,,,,,,,40.74220474698415,"
    "-73.98909800679692,\"(40.74220474698415, -73.98909800679692)\"";

static const char boston_header[] =
    "case_enquiry_id,open_dt,target_dt,closed_dt,ontime,case_status,"
    "closure_reason,case_title,subject,reason,type,queue,department,"
    "submittedphoto,closedphoto,location,fire_district,pwd_district,"
    "city_council_district,police_district,neighborhood,"
    "neighborhood_services_district,ward,precinct,location_street_name,"
    "location_zipcode,latitude,longitude,source";

/* Line 3 of the Boston sample. */
static const char boston_needle[] =
    "101004130437,2022-01-19 11:18:00,,2022-01-19 11:42:16,ONTIME,Closed,"
    "Case Closed. Closed date : Wed Jan 19 11:42:16 EST 2022 Resolved "
    "Removed df  ,Needle Pickup,Mayor's 24 Hour Hotline,Needle Program,"
    "Needle Pickup,GEN_Needle_Pickup,GEN_,,,42 Cross St  Boston  MA  02113,3,"
    "1B,1,A1,Boston,3,03,0303,42 Cross St,02113,42.3634,-71.0566,Constituent "
    "Call";

static struct city *city;
static struct config_report rep = CONFIG_REPORT_INIT;
static struct arena a = ARENA_INIT;

/* Loads the demo city on New York time. */
static void
setup(void)
{
    cr_assert_eq(config_load(DEMO_CITY, &city, &rep), C311_OK);
    cr_assert_eq(isotime_set_zone(city->timezone), C311_OK);
}

/* Frees what a test leaves. */
static void
teardown(void)
{
    config_free(city);
    config_report_free(&rep);
    arena_free(&a);
}

TestSuite(import, .init = setup, .fini = teardown);

/* Where split() puts the fields of one line. */
struct fields {
    const char **v;
    size_t n;
};

/* Copies the fields of the one record csvin reads. */
static enum c311_rc
keep_fields(void *arg, struct csvin *in, const struct csvin_record *rec)
{
    struct fields *f = arg;
    size_t i;

    (void)in;
    f->v = arena_alloc(&a, rec->nfields * sizeof(*f->v));
    for (i = 0; i < rec->nfields; i++)
        f->v[i] = arena_strdup(&a, rec->fields[i]);
    f->n = rec->nfields;
    return C311_OK;
}

/* Splits one CSV line into fields with the importer's own reader. */
static struct fields
split(const char *line)
{
    struct fields f = {NULL, 0};
    struct csvin in;
    FILE *fp = fmemopen((void *)line, strlen(line), "r");

    cr_assert_not_null(fp);
    cr_assert_eq(csvin_init(&in, fp), C311_OK);
    cr_assert_eq(csvin_run(&in, keep_fields, &f, NULL), C311_OK);
    csvin_free(&in);
    fclose(fp);
    return f;
}

/* Reads a header, failing the test unless it is understood. */
static void
layout(const char *header, struct import_layout *lay)
{
    struct fields h = split(header);
    const char *why = NULL;

    cr_assert_eq(import_layout_read(h.v, h.n, NULL, &a, lay, &why), C311_OK,
                 "%s", why ? why : "?");
}

/* Maps a data line under a layout. */
static void
map(const struct import_layout *lay, const char *line, struct import_row *out)
{
    struct fields f = split(line);
    struct import_ctx ctx;

    import_ctx_init(&ctx, city, lay);
    cr_assert_eq(import_map_row(&ctx, f.v, f.n, &a, out), C311_OK);
}

/* The value of attribute code, or NULL. */
static const char *
attr(const struct sr *r, const char *code)
{
    size_t i;

    for (i = 0; i < r->nattrs; i++) {
        if (strcmp(r->attrs[i].code, code) == 0)
            return r->attrs[i].value;
    }
    return NULL;
}

/* Replaces the first occurrence of from in line (a copy in the arena). */
static const char *
edit(const char *line, const char *from, const char *to)
{
    const char *at = strstr(line, from);

    cr_assert_not_null(at, "'%s' not in the line", from);
    return arena_printf(&a, "%.*s%s%s", (int)(at - line), line, to,
                        at + strlen(from));
}

Test(import, headers_name_their_layout)
{
    struct import_layout lay;
    size_t n;

    layout(nyc_header, &lay);
    cr_assert_eq(lay.format, IMPORT_NYC);
    cr_assert_str_eq(lay.label, "NYC 311, current layout (41 columns)");
    cr_assert_eq(lay.col[IMPORT_R_KEY], 0);
    cr_assert_eq(lay.col[IMPORT_R_CHANNEL], 28);
    cr_assert_eq(lay.col[IMPORT_R_LOCATION], 40);
    cr_assert_str_eq(lay.codes[26], "x_coordinate_state_plane");
    import_nyc_columns(&n);
    cr_assert_eq(n, 41);

    layout(boston_header, &lay);
    cr_assert_eq(lay.format, IMPORT_BOSTON);
    cr_assert_str_eq(lay.label, "Boston 311 (29 columns)");
    cr_assert_eq(lay.col[IMPORT_R_CREATED], 1);
    cr_assert_eq(lay.col[IMPORT_R_CHANNEL], 28);
}

Test(import, the_older_nyc_layout_is_told_by_its_columns)
{
    static const char older[] =
        "Unique Key,Created Date,Closed Date,Agency,Agency Name,Complaint "
        "Type,Descriptor,Location Type,Incident Zip,Incident Address,Street "
        "Name,Cross Street 1,Cross Street 2,Intersection Street 1,"
        "Intersection Street 2,Address Type,City,Landmark,Facility Type,"
        "Status,Due Date,Resolution Description,Resolution Action Updated "
        "Date,Community Board,Borough,X Coordinate (State Plane),Y "
        "Coordinate (State Plane),Park Facility Name,Park Borough,School "
        "Name,School Number,School Region,School Code,School Phone Number,"
        "School Address,School City,School State,School Zip,School Not "
        "Found,School or Citywide Complaint,Vehicle Type,Taxi Company "
        "Borough,Taxi Pick Up Location,Bridge Highway Name,Bridge Highway "
        "Direction,Road Ramp,Bridge Highway Segment,Garage Lot Name,Ferry "
        "Direction,Ferry Terminal Name,Latitude,Longitude,Location";
    struct import_layout lay;

    layout(older, &lay);
    cr_assert_eq(lay.format, IMPORT_NYC);
    cr_assert_eq(lay.ncols, 53);
    cr_assert_str_eq(lay.label, "NYC 311, older layout (53 columns)");
    cr_assert_eq(lay.col[IMPORT_R_LAT], 50);
    cr_assert_eq(lay.col[IMPORT_R_CHANNEL], -1);
    cr_assert_eq(lay.roles[29], IMPORT_R_ATTR);
    cr_assert_str_eq(lay.codes[29], "school_name");
    cr_assert(lay.keep[29]);
}

Test(import, unknown_or_wrong_headers_are_refused)
{
    static const enum import_format boston = IMPORT_BOSTON;
    struct fields h = split("id,when,what");
    struct import_layout lay;
    const char *why = NULL;

    cr_assert_eq(import_layout_read(h.v, h.n, NULL, &a, &lay, &why),
                 C311_ERR_INVALID);
    cr_assert_str_eq(why, "the header is neither an NYC 311 layout ('Unique "
                          "Key', 'Created Date', ...) nor a Boston 311 one "
                          "('case_enquiry_id', 'open_dt', ...)");
    h = split(nyc_header);
    cr_assert_eq(import_layout_read(h.v, h.n, &boston, &a, &lay, &why),
                 C311_ERR_INVALID);
    cr_assert_str_eq(why, "the header is not a Boston 311 layout (it needs "
                          "'case_enquiry_id' and 'open_dt')");
    h = split("Unique Key,Created Date,City,city");
    cr_assert_eq(import_layout_read(h.v, h.n, NULL, &a, &lay, &why),
                 C311_ERR_INVALID);
    cr_assert_str_eq(why, "column 'city' appears twice in the header");
}

Test(import, an_nyc_row_becomes_a_request)
{
    struct import_layout lay;
    struct import_row m;
    const struct sr *r = &m.req;

    layout(nyc_header, &lay);
    map(&lay, nyc_closed, &m);
    cr_assert_null(m.reject);
    cr_assert_str_eq(r->public_id, "54046813");
    cr_assert_str_eq(r->jurisdiction_id, "democity.example");
    cr_assert_eq(r->requested_at, MAY1 + 9);
    cr_assert_eq(r->closed_at, MAY1 + 7 * 60 + 46);
    cr_assert_eq(r->updated_at, MAY1 + 7 * 60 + 53);
    cr_assert_eq(r->expected_at, 0);
    cr_assert_eq(r->status, SR_CLOSED);
    cr_assert_str_eq(r->service_code, "NOISE_STREET");
    cr_assert_str_eq(r->service_name, "Noise - Street or Sidewalk");
    cr_assert_not(m.imported_service);
    cr_assert_str_eq(m.department, "POLICE");
    cr_assert_str_eq(r->agency_responsible, "Police Department");
    cr_assert_str_eq(r->description, "Loud Music/Party");
    cr_assert_str_eq(r->status_notes, "The Police Department responded to "
                                      "the complaint and took action to fix "
                                      "the condition.");
    cr_assert_str_eq(r->address, "364 WEST  127 STREET");
    cr_assert_str_eq(r->zipcode, "10027");
    cr_assert(r->has_location);
    cr_assert_eq(r->lat, 40.81237834836466);
    cr_assert_eq(r->lon, -73.95240115039357);
    cr_assert_str_eq(r->channel, "mobile");
    cr_assert_eq(m.warnings, 0);

    /* 22 non-empty source columns have no field of their own. */
    cr_assert_eq(r->nattrs, 22);
    cr_assert_str_eq(r->attrs[0].code, "agency");
    cr_assert_str_eq(r->attrs[0].value, "NYPD");
    cr_assert_str_eq(attr(r, "complaint_type"), "Noise - Street/Sidewalk");
    cr_assert_str_eq(attr(r, "status"), "Closed");
    cr_assert_str_eq(attr(r, "resolution_action_updated_date"),
                     "05/01/2022 12:07:53 AM");
    cr_assert_str_eq(attr(r, "open_data_channel_type"), "MOBILE");
    cr_assert_str_eq(attr(r, "bbl"), "1019530055");
    cr_assert_null(attr(r, "incident_address"));
    cr_assert_null(attr(r, "latitude"));
    cr_assert_null(attr(r, "location"));
    cr_assert_null(attr(r, "facility_type"));
    cr_assert_eq(strlen(m.digest), 32);
}

Test(import, intersections_read_as_both_streets)
{
    struct import_layout lay;
    struct import_row m;

    layout(nyc_header, &lay);
    map(&lay, nyc_intersection, &m);
    cr_assert_null(m.reject);
    cr_assert_str_eq(m.req.address, "EAST   55 STREET & LEXINGTON AVENUE");
    cr_assert_str_eq(attr(&m.req, "incident_address"), "EAST   55 STREET");
    cr_assert_eq(m.warnings, 1u << IMPORT_W_INTERSECTION);
    cr_assert_str_eq(m.req.channel, "phone");

    map(&lay, nyc_dot, &m);
    cr_assert_null(m.reject);
    cr_assert_str_eq(m.req.address, "5 AVENUE & WEST 24 STREET");
    cr_assert_null(attr(&m.req, "incident_address"));
    cr_assert_eq(m.req.status, SR_OPEN);
    cr_assert_eq(m.req.closed_at, 0);
    cr_assert_eq(m.req.updated_at, MAY1 + 36 * 60);
    cr_assert_str_eq(m.req.service_code, "TRAFFIC_SIGNAL");
    cr_assert_str_eq(m.department, "TRANSPORTATION");
    cr_assert_str_eq(m.req.agency_responsible, "Department of Transportation");
    /* UNKNOWN has no entry in the mapping: lower case. */
    cr_assert_str_eq(m.req.channel, "unknown");
}

Test(import, unmapped_types_and_agencies_keep_the_source_names)
{
    struct import_layout lay;
    struct import_row m;
    const char *line;

    layout(nyc_header, &lay);
    line = edit(nyc_closed,
                "NYPD,New York City Police Department,Noise - "
                "Street/Sidewalk",
                "EDC,Economic Development Corporation,Noise - Helicopter");
    map(&lay, line, &m);
    cr_assert_null(m.reject);
    cr_assert_str_eq(m.req.service_code, "NYC_NOISE_HELICOPTER");
    cr_assert_str_eq(m.req.service_name, "Noise - Helicopter");
    cr_assert(m.imported_service);
    cr_assert_null(m.department);
    cr_assert_str_eq(m.req.agency_responsible,
                     "Economic Development Corporation");
    cr_assert_eq(m.warnings, (1u << IMPORT_W_UNMAPPED_TYPE) |
                                 (1u << IMPORT_W_UNMAPPED_AGENCY));

    /* A mapped type under an unmapped agency takes its service's. */
    line = edit(nyc_closed, "NYPD,New York", "XYZ,New York");
    map(&lay, line, &m);
    cr_assert_str_eq(m.department, "POLICE");
    cr_assert_eq(m.warnings, 1u << IMPORT_W_UNMAPPED_AGENCY);

    /* A descriptor picks the service where the mapping names one. */
    line = edit(nyc_closed, "Noise - Street/Sidewalk,Loud Music/Party",
                "Street Condition,Pothole");
    map(&lay, line, &m);
    cr_assert_str_eq(m.req.service_code, "POTHOLE");
    line = edit(nyc_closed, "Noise - Street/Sidewalk,Loud Music/Party",
                "Street Condition,Cave-in");
    map(&lay, line, &m);
    cr_assert_str_eq(m.req.service_code, "NYC_STREET_CONDITION");

    line = edit(nyc_closed, "Noise - Street/Sidewalk", "");
    map(&lay, line, &m);
    cr_assert_str_eq(m.req.service_code, "NYC_UNSPECIFIED");
    cr_assert_str_eq(m.req.service_name, "Unspecified");
    cr_assert_eq(m.warnings, 1u << IMPORT_W_NO_TYPE);
}

Test(import, a_department_code_as_agency_is_that_department)
{
    struct import_layout lay;
    struct import_row m;
    const char *line;

    /* As an export writes a department that has no NYC agency code. */
    layout(nyc_header, &lay);
    line =
        edit(nyc_closed, "NYPD,New York City Police Department,", "CONSUMER,,");
    map(&lay, line, &m);
    cr_assert_null(m.reject);
    cr_assert_str_eq(m.req.service_code, "NOISE_STREET");
    cr_assert_str_eq(m.department, "CONSUMER");
    cr_assert_str_eq(m.req.agency_responsible,
                     "Department of Consumer and Worker Protection");
    cr_assert_eq(m.warnings, 0);
}

/*
 * Exports r (imported from format with department) as an NYC row, checks
 * its Agency column, and maps the row back: the department must be the
 * same, want_dept (NULL: none).
 */
static void
round_trip(const struct sr *r, const char *format, const char *department,
           const char *want_agency, const char *want_dept)
{
    const char *fields[64], *names[64];
    const struct import_column *cols;
    struct import_layout lay;
    struct import_ctx ctx;
    struct import_row m;
    const char *why = NULL;
    size_t n, i, agency = 0;

    cols = import_nyc_columns(&n);
    for (i = 0; i < n; i++) {
        names[i] = cols[i].name;
        if (strcmp(cols[i].name, "Agency") == 0)
            agency = i;
    }
    cr_assert_eq(import_layout_read(names, n, NULL, &a, &lay, &why), C311_OK,
                 "%s", why ? why : "?");
    cr_assert_eq(export_nyc_row(city, r, format, department, &a, fields),
                 C311_OK);
    cr_assert_str_eq(fields[agency], want_agency, "department %s",
                     department ? department : "none");
    import_ctx_init(&ctx, city, &lay);
    cr_assert_eq(import_map_row(&ctx, fields, n, &a, &m), C311_OK);
    cr_assert_null(m.reject, "%s", m.reject);
    if (want_dept == NULL)
        cr_assert_null(m.department, "%s", m.department);
    else
        cr_assert_str_eq(m.department, want_dept);
}

/*
 * A Boston request (101004113385 of the sample, BTDT's Parking
 * Enforcement) exported and read back keeps its own department, not its
 * service's (Illegal Parking is POLICE's).
 */
Test(import, an_export_reads_back_with_the_request_department)
{
    struct import_mapping *nyc;
    struct sr r = {0};

    r.public_id = "101004113385";
    r.jurisdiction_id = "demo.civic311.org";
    r.service_code = "ILLEGAL_PARKING";
    r.service_name = "Illegal Parking";
    r.agency_responsible = "Department of Transportation";
    r.requested_at = INT64_C(1641046658);
    r.updated_at = r.requested_at;
    r.status = SR_OPEN;
    round_trip(&r, "boston", "TRANSPORTATION", "DOT", "TRANSPORTATION");
    /*
     * No NYC code (the mapping's last entry, DCWP for CONSUMER, hidden):
     * the department's own code, read back as itself.
     */
    nyc = (struct import_mapping *)mapping_of(city, "nyc");
    cr_assert_str_eq(nyc->departments[nyc->ndepartments - 1].to, "CONSUMER");
    nyc->ndepartments--;
    round_trip(&r, "boston", "CONSUMER", "CONSUMER", "CONSUMER");
    nyc->ndepartments++;
    /* Filed here: its service's department, POLICE, is NYPD. */
    r.agency_responsible = "Police Department";
    round_trip(&r, NULL, NULL, "NYPD", "POLICE");
    /* An imported service and no department stay without one. */
    r.service_code = "BOSTON_ANIMAL_GENERIC_REQUEST";
    r.service_name = "Animal Generic Request";
    r.agency_responsible = "Animal Control";
    round_trip(&r, "boston", NULL, "", NULL);
}

Test(import, daylight_saving_hours_follow_the_documented_rule)
{
    struct import_layout lay;
    struct import_row m;
    const char *line;

    layout(nyc_header, &lay);
    /* 2022-03-13 02:30 does not exist: read as EST, 07:30Z. */
    line = edit(nyc_closed, "05/01/2022 12:00:09 AM", "03/13/2022 02:30:00 AM");
    line = edit(line, "05/01/2022 12:07:46 AM", "03/13/2022 04:00:00 AM");
    line = edit(line, "05/01/2022 12:07:53 AM", "");
    map(&lay, line, &m);
    cr_assert_null(m.reject);
    cr_assert_eq(m.req.requested_at, INT64_C(1647156600));
    cr_assert_eq(m.req.closed_at, INT64_C(1647156600) + 1800);
    cr_assert_eq(m.warnings, 1u << IMPORT_W_NONEXISTENT_TIME);

    /* 2022-11-06 01:30 happens twice: the first, EDT, 05:30Z. */
    line = edit(nyc_closed, "05/01/2022 12:00:09 AM", "11/06/2022 01:30:00 AM");
    line = edit(line, "05/01/2022 12:07:46 AM", "11/06/2022 03:00:00 AM");
    line = edit(line, "05/01/2022 12:07:53 AM", "");
    map(&lay, line, &m);
    cr_assert_eq(m.req.requested_at, INT64_C(1667712600));
    cr_assert_eq(m.req.closed_at, INT64_C(1667712600) + 9000);
    cr_assert_eq(m.warnings, 1u << IMPORT_W_AMBIGUOUS_TIME);
}

Test(import, oddities_are_imported_and_counted)
{
    struct import_layout lay;
    struct import_row m;
    const char *line;

    layout(nyc_header, &lay);
    line = edit(nyc_closed, "05/01/2022 12:07:46 AM", "04/30/2022 11:00:00 PM");
    map(&lay, line, &m);
    cr_assert_null(m.reject);
    cr_assert_eq(m.req.closed_at, MAY1 - 3600);
    cr_assert_eq(m.req.updated_at, MAY1 + 7 * 60 + 53);
    cr_assert_eq(m.warnings, 1u << IMPORT_W_CLOSED_BEFORE_CREATED);

    line = edit(nyc_closed, "05/01/2022 12:07:46 AM", "");
    map(&lay, line, &m);
    cr_assert_eq(m.req.status, SR_CLOSED);
    cr_assert_eq(m.req.closed_at, 0);
    cr_assert_eq(m.warnings, 1u << IMPORT_W_CLOSED_WITHOUT_DATE);

    line = edit(nyc_closed, ",Closed,", ",In Progress,");
    map(&lay, line, &m);
    cr_assert_eq(m.req.status, SR_OPEN);
    cr_assert_eq(m.warnings, 1u << IMPORT_W_CLOSED_DATE_WHILE_OPEN);

    line = edit(nyc_closed, ",Closed,,", ",Closed,04/01/2022,");
    map(&lay, line, &m);
    cr_assert_eq(m.req.expected_at, MAY1 - 30 * 86400);
    cr_assert_eq(m.warnings, 1u << IMPORT_W_DUE_BEFORE_CREATED);

    line = edit(nyc_closed, "40.81237834836466,-73.95240115039357,", ",,");
    map(&lay, line, &m);
    cr_assert_not(m.req.has_location);
    cr_assert_eq(m.warnings, 1u << IMPORT_W_NO_COORDINATES);

    line = edit(nyc_closed, "40.81237834836466,-73.95240115039357,",
                "140.8,-73.9,");
    map(&lay, line, &m);
    cr_assert_not(m.req.has_location);
    cr_assert_eq(m.warnings, 1u << IMPORT_W_BAD_COORDINATES);

    line = edit(nyc_closed, "40.81237834836466,-73.95240115039357,", ",,");
    line = edit(line, "364 WEST  127 STREET", "");
    map(&lay, line, &m);
    cr_assert_eq(m.warnings, (1u << IMPORT_W_NO_COORDINATES) |
                                 (1u << IMPORT_W_NO_LOCATION));
}

/* Maps line and checks the reason it is refused. */
static void
refused(const struct import_layout *lay, const char *line, const char *why)
{
    struct import_row m;

    map(lay, line, &m);
    cr_assert_not_null(m.reject, "not refused: %s", why);
    cr_assert_str_eq(m.reject, why);
}

Test(import, rows_that_cannot_be_imported_say_why)
{
    struct import_layout lay;

    layout(nyc_header, &lay);
    refused(&lay, "54046813,05/01/2022 12:00:09 AM",
            "the row has 2 fields, the header 41");
    refused(&lay, edit(nyc_closed, "54046813,", ","), "no Unique Key");
    refused(&lay, edit(nyc_closed, "54046813,", "54 046,"),
            "bad Unique Key '54 046' (1 to 64 letters, digits, '.', '_' and "
            "'-')");
    refused(&lay, edit(nyc_closed, "54046813,", "2026-000001,"),
            "Unique Key '2026-000001' has the form of this city's own "
            "request ids");
    refused(&lay, edit(nyc_closed, "05/01/2022 12:00:09 AM,", ","),
            "no Created Date");
    refused(&lay, edit(nyc_closed, "05/01/2022 12:07:46 AM", "13/45/2022"),
            "bad Closed Date '13/45/2022'");
    refused(&lay, edit(nyc_closed, "05/01/2022 12:00:09 AM", "yesterday"),
            "bad Created Date 'yesterday'");
    refused(&lay, edit(nyc_closed, "NEW YORK", "NEW \xff YORK"),
            "'City' is not valid UTF-8");
}

Test(import, a_boston_row_becomes_a_request)
{
    struct import_layout lay;
    struct import_row m;
    const struct sr *r = &m.req;

    layout(boston_header, &lay);
    map(&lay, boston_needle, &m);
    cr_assert_null(m.reject);
    cr_assert_str_eq(r->public_id, "101004130437");
    cr_assert_eq(r->requested_at, INT64_C(1642609080));
    cr_assert_eq(r->closed_at, INT64_C(1642609080) + 24 * 60 + 16);
    cr_assert_eq(r->status, SR_CLOSED);
    cr_assert_str_eq(r->service_code, "BOSTON_NEEDLE_PICKUP");
    cr_assert_str_eq(r->agency_responsible, "Mayor's 24 Hour Hotline");
    cr_assert_str_eq(r->description, "Needle Pickup");
    cr_assert_str_eq(r->status_notes, "Case Closed. Closed date : Wed Jan 19 "
                                      "11:42:16 EST 2022 Resolved Removed df");
    cr_assert_str_eq(r->address, "42 Cross St  Boston  MA  02113");
    cr_assert_str_eq(r->zipcode, "02113");
    cr_assert_eq(r->lat, 42.3634);
    cr_assert_eq(r->lon, -71.0566);
    cr_assert_str_eq(r->channel, "phone");
    cr_assert_str_eq(attr(r, "ontime"), "ONTIME");
    cr_assert_str_eq(attr(r, "department"), "GEN_");
    cr_assert_str_eq(attr(r, "type"), "Needle Pickup");
    cr_assert_null(attr(r, "submittedphoto"));
    cr_assert_eq(m.warnings, (1u << IMPORT_W_UNMAPPED_TYPE) |
                                 (1u << IMPORT_W_UNMAPPED_AGENCY));
}

Test(import, the_digest_follows_the_stored_values_only)
{
    struct import_layout lay;
    struct import_row m1, m2;
    char d[IMPORT_DIGEST_LEN];

    layout(nyc_header, &lay);
    map(&lay, nyc_closed, &m1);
    map(&lay, nyc_closed, &m2);
    cr_assert_str_eq(m1.digest, m2.digest);
    /* The derived Location column is not stored: no change. */
    map(&lay,
        edit(nyc_closed, "\"(40.81237834836466, -73.95240115039357)\"",
             "\"(0, 0)\""),
        &m2);
    cr_assert_str_eq(m1.digest, m2.digest);
    map(&lay, edit(nyc_closed, "09 MANHATTAN", "10 MANHATTAN"), &m2);
    cr_assert_str_neq(m1.digest, m2.digest);
    map(&lay, edit(nyc_closed, "-73.95240115039357,", "-73.9524011503936,"),
        &m2);
    cr_assert_str_neq(m1.digest, m2.digest);

    /* NULL and "" are the same stored value. */
    m1.req.service_notice = "";
    import_digest(&m1.req, m1.department, d);
    cr_assert_str_eq(d, m1.digest);
    import_digest(&m1.req, NULL, d);
    cr_assert_str_neq(d, m1.digest);
}

Test(import, local_times_in_every_accepted_form)
{
    static const struct {
        const char *text;
        int64_t want;
    } ok[] = {
        {"05/01/2022 12:00:09 AM", MAY1 + 9},
        {"05/01/2022 12:00:09 PM", MAY1 + 12 * 3600 + 9},
        {"05/01/2022 01:02:03 pm", MAY1 + 13 * 3600 + 123},
        {"5/1/2022 1:02 AM", MAY1 + 3600 + 120},
        {"05/01/2022 13:02:03", MAY1 + 13 * 3600 + 123},
        {"05/01/2022", MAY1},
        {"2022-05-01 00:00:09", MAY1 + 9},
        {"2022-05-01T00:00:09.123", MAY1 + 9},
        {"2022-05-01", MAY1},
    };
    static const char *const bad[] = {
        "",
        "05/01/22",
        "2022-05-01 25:00:00",
        "05/01/2022 13:00 PM",
        "05/01/2022 00:10 AM",
        "2022-02-30",
        "05/01/2022 12:00:09 XM",
        "05-01-2022",
        "2022/05/01",
        "2022-05-01 00:00:09+02:00",
    };
    struct wallclock wc;
    int64_t t;
    size_t i;

    wallclock_init(&wc);
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        cr_assert(import_local_time(&wc, ok[i].text, &t, NULL), "%s",
                  ok[i].text);
        cr_assert_eq(t, ok[i].want, "%s", ok[i].text);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_not(import_local_time(&wc, bad[i], &t, NULL), "%s", bad[i]);
}

Test(import, attribute_codes_from_column_names)
{
    cr_assert_str_eq(import_attr_code(&a, "X Coordinate (State Plane)"),
                     "x_coordinate_state_plane");
    cr_assert_str_eq(import_attr_code(&a, "  Taxi Pick Up Location "),
                     "taxi_pick_up_location");
    cr_assert_str_eq(import_attr_code(&a, "case_enquiry_id"),
                     "case_enquiry_id");
    cr_assert_str_eq(import_attr_code(&a, "--"), "");
}
