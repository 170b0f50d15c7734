-- wrk script: POST an Open311 pothole request with the key in API_KEY.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "api_key=" .. os.getenv("API_KEY") ..
    "&service_code=POTHOLE&lat=40.7128&long=-74.0060" ..
    "&description=Deep+pothole+in+the+right+lane&attribute[SIZE]=large"
