"""gongkai dashboard: the Streamlit app over the warehouse (Chinese UI)."""
