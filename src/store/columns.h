/* SPDX-License-Identifier: MIT */
/*
 * The columns of the request and api_key tables in the order both back
 * ends select and read them, so that sqlite.c and pg.c name one layout.
 * Internal to src/store/.
 */
#ifndef CIVIC311_STORE_COLUMNS_H
#define CIVIC311_STORE_COLUMNS_H

/* Columns of request in the order read by read_request() (see enum col). */
#define REQ_COLUMNS                                                            \
    "id, public_id, jurisdiction_id, service_code, service_name, status,"      \
    " status_notes, description, agency_responsible, service_notice,"          \
    " requested_at, updated_at, expected_at, closed_at, lat, lon, address,"    \
    " address_id, zipcode, media_url, channel, language, api_key_name,"        \
    " email, phone, first_name, last_name, device_id, account_id, token"

enum col {
    COL_ID,
    COL_PUBLIC_ID,
    COL_JURISDICTION_ID,
    COL_SERVICE_CODE,
    COL_SERVICE_NAME,
    COL_STATUS,
    COL_STATUS_NOTES,
    COL_DESCRIPTION,
    COL_AGENCY_RESPONSIBLE,
    COL_SERVICE_NOTICE,
    COL_REQUESTED_AT,
    COL_UPDATED_AT,
    COL_EXPECTED_AT,
    COL_CLOSED_AT,
    COL_LAT,
    COL_LON,
    COL_ADDRESS,
    COL_ADDRESS_ID,
    COL_ZIPCODE,
    COL_MEDIA_URL,
    COL_CHANNEL,
    COL_LANGUAGE,
    COL_API_KEY_NAME,
    COL_EMAIL,
    COL_PHONE,
    COL_FIRST_NAME,
    COL_LAST_NAME,
    COL_DEVICE_ID,
    COL_ACCOUNT_ID,
    COL_TOKEN
};

#define KEY_COLUMNS "id, name, prefix, created_at, revoked_at"

#endif
